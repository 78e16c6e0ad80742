using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>
/// Logto's organization token: <c>grant_type=refresh_token&amp;organization_id=…</c> at <c>/oidc/token</c>, checked against
/// organization's memberships; refusals are OAuth errors.
/// </summary>
public sealed class OrganizationTokenTests(PlatformStackFixture fixture)
{
    private const string Scope = "openid offline_access " + OrganizationApi.OrganizationsScope;
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task Member_GetsAnOrganizationTokenForThatOrganization_AndTheRefreshTokenRotatesAsUsual()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (userId, tokens) = await api.RegisterAsync(clientId, Scope);
        // Signed up before joining: the ID token says so with an empty array (Logto's shape), not a missing claim.
        Assert.Equal(0, SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("organizations").GetArrayLength());
        var organizationId = await api.CreateOrganizationIdAsync();
        await api.AddMemberAsync(organizationId, userId);

        var answer = await api.OrganizationTokenAsync(clientId, tokens.GetProperty("refresh_token").GetString()!, organizationId);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Body.ToString());
        var audience = "urn:logto:organization:" + organizationId;
        var jwt = await api.ValidateJwtAsync(answer.Body.GetProperty("access_token").GetString()!, audience);
        Assert.Equal([audience], jwt.Audiences);
        Assert.Equal(organizationId, jwt.GetClaim("organization_id").Value);
        Assert.Equal(userId, jwt.Subject);
        Assert.Equal(clientId, jwt.GetClaim("client_id").Value);
        // No organization roles yet, so no organization scopes.
        Assert.False(jwt.TryGetClaim("scope", out var scope) && scope.Value.Length > 0, $"scope: {scope?.Value}");
        Assert.Equal("", answer.Body.TryGetProperty("scope", out var granted) ? granted.GetString() : "");

        // The refresh token rotated like in any refresh: the new one works, for a normal token too.
        var rotated = answer.Body.GetProperty("refresh_token").GetString()!;
        var normal = await api.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", rotated));
        Assert.True(normal.Status == HttpStatusCode.OK, normal.Body.ToString());
        Assert.False(SigninClient.Payload(normal.Body.GetProperty("access_token").GetString()!).TryGetProperty("organization_id", out _));
    }

    [Fact]
    public async Task NonMember_IsRefusedWith403AccessDenied()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (_, tokens) = await api.RegisterAsync(clientId, Scope);
        var organizationId = await api.CreateOrganizationIdAsync();

        var answer = await api.OrganizationTokenAsync(clientId, tokens.GetProperty("refresh_token").GetString()!, organizationId);
        OrganizationApi.AssertOAuthError(answer, HttpStatusCode.Forbidden, "access_denied", "user is not a member of the organization");
    }

    [Fact]
    public async Task RefusedRequest_LeavesTheRefreshTokenUsable()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (_, tokens) = await api.RegisterAsync(clientId, Scope);
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;
        OrganizationApi.AssertOAuthError(await api.OrganizationTokenAsync(clientId, refreshToken, "nosuchorg000"), HttpStatusCode.Forbidden, "access_denied");

        var normal = await api.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refreshToken));
        Assert.True(normal.Status == HttpStatusCode.OK, normal.Body.ToString());
    }

    [Fact]
    public async Task RefreshTokenWithoutTheOrganizationsScope_IsRefusedWithInvalidGrant()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (userId, tokens) = await api.RegisterAsync(clientId, "openid offline_access");
        var organizationId = await api.CreateOrganizationIdAsync();
        await api.AddMemberAsync(organizationId, userId);

        var answer = await api.OrganizationTokenAsync(clientId, tokens.GetProperty("refresh_token").GetString()!, organizationId);
        OrganizationApi.AssertOAuthError(answer, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task OrganizationRequiringMfa_RefusesAGrantThatPassedNoSecondFactor()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (userId, tokens) = await api.RegisterAsync(clientId, Scope);
        var organizationId = await api.CreateOrganizationIdAsync(isMfaRequired: true);
        await api.AddMemberAsync(organizationId, userId);

        var answer = await api.OrganizationTokenAsync(clientId, tokens.GetProperty("refresh_token").GetString()!, organizationId);
        OrganizationApi.AssertOAuthError(answer, HttpStatusCode.Forbidden, "access_denied", "organization requires MFA");
    }

    [Fact]
    public async Task EmptyOrganizationId_IsInvalidRequest()
    {
        const string organizationId = "";
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (_, tokens) = await api.RegisterAsync(clientId, Scope);
        var answer = await api.OrganizationTokenAsync(clientId, tokens.GetProperty("refresh_token").GetString()!, organizationId);
        OrganizationApi.AssertOAuthError(answer, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task OrganizationIdWithResource_IsInvalidRequest()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (userId, tokens) = await api.RegisterAsync(clientId, Scope);
        var organizationId = await api.CreateOrganizationIdAsync();
        await api.AddMemberAsync(organizationId, userId);
        var answer = await api.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!),
            ("organization_id", organizationId), ("resource", "https://default.logto.app/api"));
        Assert.True(answer.Status == HttpStatusCode.BadRequest, answer.Body.ToString());
        Assert.False(answer.Body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task OrganizationsClaim_ListsTheUsersOrganizations_InUserinfoAndTheIdToken()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var userId = await api.CreateUserIdAsync();
        var organizationId = await api.CreateOrganizationIdAsync();
        await api.AddMemberAsync(organizationId, userId);
        var username = (await ReadJsonAsync(await api.Management.GetAsync($"/api/users/{userId}", Ct))).GetProperty("username").GetString()!;

        using var browser = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        var (verifier, challenge) = SigninClient.NewPkce();
        using (await browser.GetAsync(SigninClient.AuthorizePath(clientId, OrganizationApi.Callback, challenge, Scope))) { }
        using (var verification = await browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = OrganizationApi.Password }))
        {
            var verificationId = (await ReadJsonAsync(verification)).GetProperty("verificationId").GetString();
            using var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId });
            Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
        }
        var tokens = await browser.RedeemAsync(clientId, await browser.SubmitAndFollowAsync(OrganizationApi.Callback), OrganizationApi.Callback, verifier);

        var idToken = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal([organizationId], idToken.GetProperty("organizations").EnumerateArray().Select(e => e.GetString()));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        using var me = await browser.Http.SendAsync(request, Ct);
        Assert.Equal([organizationId], (await ReadJsonAsync(me)).GetProperty("organizations").EnumerateArray().Select(e => e.GetString()));
    }
}
