using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>
/// Machine-to-machine applications as organization members (Logto's <c>/api/organizations/{id}/applications[/roles]</c>,
/// issue 14 pt 3) and their <c>client_credentials</c> organization tokens (pt 6), through the gateway.
/// </summary>
public sealed class OrganizationApplicationsTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task M2mMember_GetsAnOrganizationToken_WithTheRequestedScopesItsRolesGrant_UntilItLeaves()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var (read, write) = (await api.CreateScopeAsync(UniqueName("read")), await api.CreateScopeAsync(UniqueName("write")));
        var role = await api.CreateRoleAsync(new { name = UniqueName("robot"), type = "MachineToMachine", organizationScopeIds = new[] { Id(read) } });
        var (organizationId, otherId) = (await api.CreateOrganizationIdAsync(), await api.CreateOrganizationIdAsync());
        var (clientId, secret) = await CreateM2mApplicationAsync();
        using (var add = await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/applications", new { applicationIds = new[] { clientId } }, Ct))
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        using (var roles = await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/applications/{clientId}/roles", new { organizationRoleIds = new[] { Id(role) } }, Ct))
            Assert.Equal(HttpStatusCode.Created, roles.StatusCode);

        using (var list = await api.Management.GetAsync($"/api/organizations/{organizationId}/applications", Ct))
        {
            Assert.Equal("1", list.Headers.GetValues("Total-Number").Single());
            var application = Assert.Single((await ReadJsonAsync(list)).EnumerateArray());
            Assert.Equal(clientId, Id(application));
            Assert.Equal("MachineToMachine", application.GetProperty("type").GetString());
            Assert.True(!application.TryGetProperty("secret", out var secretShown) || secretShown.ValueKind == JsonValueKind.Null);
            Assert.Equal(Id(role), Id(Assert.Single(application.GetProperty("organizationRoles").EnumerateArray())));
        }

        var answer = await api.TokenAsync(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret),
            ("organization_id", organizationId), ("scope", $"{Name(read)} {Name(write)}"));
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Body.ToString());
        Assert.Equal(Name(read), answer.Body.GetProperty("scope").GetString());
        var token = await api.ValidateJwtAsync(answer.Body.GetProperty("access_token").GetString()!, "urn:logto:organization:" + organizationId);
        Assert.Equal(organizationId, token.GetClaim("organization_id").Value);
        Assert.Equal(clientId, token.Subject);
        Assert.Equal(Name(read), token.GetClaim("scope").Value);

        OrganizationApi.AssertOAuthError(await api.TokenAsync(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret),
            ("organization_id", otherId)), HttpStatusCode.Forbidden, "access_denied");
        OrganizationApi.AssertOAuthError(await api.TokenAsync(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", "wrong"),
            ("organization_id", organizationId)), HttpStatusCode.Unauthorized, "invalid_client");

        using (var leave = await api.Management.DeleteAsync($"/api/organizations/{organizationId}/applications/{clientId}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        OrganizationApi.AssertOAuthError(await api.TokenAsync(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret),
            ("organization_id", organizationId)), HttpStatusCode.Forbidden, "access_denied");
    }

    [Fact]
    public async Task ApplicationMembers_BadInput_StableCodes()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var userRole = await api.CreateRoleAsync(new { name = UniqueName("human") });
        var machineRole = await api.CreateRoleAsync(new { name = UniqueName("robot"), type = "MachineToMachine" });
        var organizationId = await api.CreateOrganizationIdAsync();
        var (member, _) = await CreateM2mApplicationAsync();
        var (outsider, _) = await CreateM2mApplicationAsync();
        using var browser = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        var spa = Id(await browser.CreateApplicationAsync("SPA", OrganizationApi.Callback));
        var applications = $"/api/organizations/{organizationId}/applications";
        using (await api.Management.PostAsJsonAsync(applications, new { applicationIds = new[] { member } }, Ct)) { }

        await AssertProblemAsync(await api.Management.PostAsJsonAsync(applications, new { applicationIds = new[] { spa } }, Ct), 422, "entity.db_constraint_violated");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync(applications, new { applicationIds = new[] { "nosuchapplication0000" } }, Ct), 422, "entity.relation_foreign_key_not_found");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync(applications, new { applicationIds = Array.Empty<string>() }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"{applications}/{member}/roles", new { organizationRoleIds = new[] { Id(userRole) } }, Ct), 422, "entity.db_constraint_violated");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"{applications}/{member}/roles", new { organizationRoleIds = new[] { "nosuchrole00" } }, Ct), 422, "entity.relation_foreign_key_not_found");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"{applications}/{outsider}/roles", new { organizationRoleIds = new[] { Id(machineRole) } }, Ct), 422, "organization.require_membership");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"{applications}/roles",
            new { applicationIds = new[] { member, outsider }, organizationRoleIds = new[] { Id(machineRole) } }, Ct), 422, "organization.require_membership");
        await AssertProblemAsync(await api.Management.GetAsync($"/api/organizations/nosuchorg000/applications", Ct), 404, "entity.not_exists_with_id");
        await AssertProblemAsync(await api.Management.DeleteAsync($"{applications}/{outsider}", Ct), 404, "entity.not_found");
        // Nothing of the refused requests was written.
        using (var roles = await api.Management.GetAsync($"{applications}/{member}/roles", Ct))
            Assert.Equal(0, (await ReadJsonAsync(roles)).GetArrayLength());

        // A MachineToMachine role an application holds keeps its type; PUT replaces, DELETE removes.
        using (var put = await api.Management.PutAsJsonAsync($"{applications}/{member}/roles", new { organizationRoleIds = new[] { Id(machineRole) } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        await AssertProblemAsync(await api.Management.PatchAsJsonAsync($"/api/organization-roles/{Id(machineRole)}", new { type = "User" }, Ct), 422, "entity.db_constraint_violated");
        using (var remove = await api.Management.DeleteAsync($"{applications}/{member}/roles/{Id(machineRole)}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
    }

    private async Task<(string ClientId, string Secret)> CreateM2mApplicationAsync()
    {
        using var browser = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        var application = await browser.CreateApplicationAsync("MachineToMachine");
        return (Id(application), application.GetProperty("secret").GetString()!);
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;
    private static string Name(JsonElement e) => e.GetProperty("name").GetString()!;
}
