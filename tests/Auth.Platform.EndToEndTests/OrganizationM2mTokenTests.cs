using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Testing;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// A machine-to-machine organization token end to end (issue 14 pt 6): the integrator makes an M2M application a member
/// with an organization role, npm openid-client's clientCredentialsGrant with <c>organization_id</c> gets the token, and
/// jose verifies it against the JWKS for the organization's audience; a non-member organization is refused.
/// </summary>
public sealed class OrganizationM2mTokenTests(PlatformStackFixture fixture)
{
    [Fact]
    public async Task M2mMember_GetsAnOrganizationTokenWithOpenIdClient_AndANonMemberOrganizationIsRefused()
    {
        var stack = fixture.Stack;
        var issuer = new Uri(stack.GatewayUrl, "/oidc").ToString().TrimEnd('/');
        using var http = new HttpClient { BaseAddress = stack.GatewayUrl };
        var token = await stack.ManagementTokenAsync(TestContext.Current.CancellationToken);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var application = await ManagementApi.CreateApplicationAsync(http, stack.GatewayUrl, token, new { name = "E2E organization robot", type = "MachineToMachine" });
        var (clientId, secret) = (application["id"]!.GetValue<string>(), application["secret"]!.GetValue<string>());
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var scope = await PostAsync(http, "/api/organization-scopes", new { name = "read:reports-" + suffix });
        var role = await PostAsync(http, "/api/organization-roles", new { name = "reporter-" + suffix, type = "MachineToMachine", organizationScopeIds = new[] { scope["id"]!.GetValue<string>() } });
        var member = (await PostAsync(http, "/api/organizations", new { name = "E2E robot org" }))["id"]!.GetValue<string>();
        var other = (await PostAsync(http, "/api/organizations", new { name = "E2E other robot org" }))["id"]!.GetValue<string>();
        using (var add = await http.PostAsJsonAsync($"/api/organizations/{member}/applications", new { applicationIds = new[] { clientId } }, TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        using (var roles = await http.PostAsJsonAsync($"/api/organizations/{member}/applications/roles",
            new { applicationIds = new[] { clientId }, organizationRoleIds = new[] { role["id"]!.GetValue<string>() } }, TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.Created, roles.StatusCode);

        var granted = await NodePeers.RunAsync("organization-token.mjs", "m2m", "--issuer", issuer, "--client-id", clientId, "--client-secret", secret,
            "--organization-id", member, "--scope", "read:reports-" + suffix + " write:nothing");
        Assert.True(granted["accessTokenClaims"] is not null, granted.ToJsonString());
        Assert.Equal(member, granted["accessTokenClaims"]!["organization_id"]!.GetValue<string>());
        Assert.Equal(clientId, granted["accessTokenClaims"]!["sub"]!.GetValue<string>());
        Assert.Equal("read:reports-" + suffix, granted["accessTokenClaims"]!["scope"]!.GetValue<string>());

        var refused = await NodePeers.RunAsync("organization-token.mjs", "m2m", "--issuer", issuer, "--client-id", clientId, "--client-secret", secret,
            "--organization-id", other, "--scope", "read:reports-" + suffix);
        Assert.Equal("access_denied", refused["error"]?.GetValue<string>());
        Assert.Equal(403, refused["status"]!.GetValue<int>());
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        var json = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {json}");
        return JsonNode.Parse(json)!.AsObject();
    }
}
