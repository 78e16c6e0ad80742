using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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

        var tokens = await api.SignInAsync(clientId, username, Scope);
        var idToken = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal([organizationId], idToken.GetProperty("organizations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([organizationId], (await api.UserInfoAsync(tokens)).GetProperty("organizations").EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>
    /// Organization scopes are asked by name at /oidc/auth (Logto); the organization token carries those the member's roles
    /// grant, the ID token and userinfo the roles as <c>&lt;organization id&gt;:&lt;role name&gt;</c>; once the user has left,
    /// the next organization token is refused.
    /// </summary>
    [Fact]
    public async Task OrganizationToken_CarriesTheRequestedScopesTheMembersRolesGrant_UntilTheUserLeaves()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var (read, write, delete) = (UniqueName("read"), UniqueName("write"), UniqueName("delete"));
        var scopeIds = new Dictionary<string, string>();
        foreach (var name in new[] { read, write, delete }) scopeIds[name] = (await api.CreateScopeAsync(name)).GetProperty("id").GetString()!;
        var roleName = UniqueName("viewer");
        var role = await api.CreateRoleAsync(new { name = roleName, organizationScopeIds = new[] { scopeIds[read], scopeIds[delete] } });
        var organizationId = await api.CreateOrganizationIdAsync();
        var userId = await api.CreateUserIdAsync();
        await api.AddMemberAsync(organizationId, userId);
        using (var assign = await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users/{userId}/roles",
            new { organizationRoleIds = new[] { role.GetProperty("id").GetString() } }, Ct))
            Assert.Equal(HttpStatusCode.Created, assign.StatusCode);
        var username = (await ReadJsonAsync(await api.Management.GetAsync($"/api/users/{userId}", Ct))).GetProperty("username").GetString()!;
        var clientId = await api.CreateSpaAsync();

        // `delete` is granted by the role but not asked for; `write` is asked for but not granted by the role.
        var tokens = await api.SignInAsync(clientId, username, $"{Scope} {OrganizationApi.OrganizationRolesScope} {read} {write}");
        var expectedRoles = new[] { $"{organizationId}:{roleName}" };
        Assert.Equal(expectedRoles, SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("organization_roles").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(expectedRoles, (await api.UserInfoAsync(tokens)).GetProperty("organization_roles").EnumerateArray().Select(e => e.GetString()));

        var answer = await api.OrganizationTokenAsync(clientId, tokens.GetProperty("refresh_token").GetString()!, organizationId);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Body.ToString());
        var jwt = await api.ValidateJwtAsync(answer.Body.GetProperty("access_token").GetString()!, "urn:logto:organization:" + organizationId);
        Assert.Equal(read, jwt.GetClaim("scope").Value);
        Assert.Equal(organizationId, jwt.GetClaim("organization_id").Value);

        using (var leave = await api.Management.DeleteAsync($"/api/organizations/{organizationId}/users/{userId}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        var refused = await api.OrganizationTokenAsync(clientId, answer.Body.GetProperty("refresh_token").GetString()!, organizationId);
        OrganizationApi.AssertOAuthError(refused, HttpStatusCode.Forbidden, "access_denied", "user is not a member of the organization");
    }

    [Fact]
    public async Task AuthorizationRequest_WithAScopeNobodyDefines_IsStillInvalidScope()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        using var browser = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        var (_, challenge) = SigninClient.NewPkce();
        using var response = await browser.GetAsync(SigninClient.AuthorizePath(clientId, OrganizationApi.Callback, challenge, $"openid {UniqueName("nobody")}"));
        // OpenIddict checks scopes before it trusts the redirect URI, so the error is signin's page, not a redirect.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_scope", await response.Content.ReadAsStringAsync(Ct));
    }
}
