using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>The steps the organization tests share: organizations and members through the Management API, users signed in with the organizations scope.</summary>
internal sealed class OrganizationApi(PlatformStack stack, HttpClient management)
{
    public const string Callback = "http://localhost:3000/callback";
    public const string OrganizationsScope = "urn:logto:scope:organizations";
    public const string OrganizationRolesScope = "urn:logto:scope:organization_roles";
    public const string Password = "correct horse battery";
    /// <summary>The replica learns users through RabbitMQ; generous for a loaded 2-core machine.</summary>
    public static readonly TimeSpan Replication = TimeSpan.FromSeconds(60);

    public HttpClient Management => management;

    public static async Task<OrganizationApi> CreateAsync(PlatformStack stack) => new(stack, await ManagementClientAsync(stack));

    public async Task<JsonElement> CreateOrganizationAsync(object body)
    {
        using var response = await management.PostAsJsonAsync("/api/organizations", body, Ct);
        var json = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create organization: {(int)response.StatusCode} {json}");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public async Task<JsonElement> CreateScopeAsync(string name, string? description = null) =>
        await PostCreatedAsync("/api/organization-scopes", new { name, description });

    public async Task<JsonElement> CreateRoleAsync(object body) => await PostCreatedAsync("/api/organization-roles", body);

    public async Task<string[]> RoleScopeIdsAsync(string roleId)
    {
        using var response = await management.GetAsync($"/api/organization-roles/{roleId}/scopes", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadJsonAsync(response)).EnumerateArray().Select(s => s.GetProperty("id").GetString()!).Order()];
    }

    private async Task<JsonElement> PostCreatedAsync(string path, object body)
    {
        using var response = await management.PostAsJsonAsync(path, body, Ct);
        var json = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {json}");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public async Task<string> CreateOrganizationIdAsync(bool isMfaRequired = false) =>
        (await CreateOrganizationAsync(new { name = UniqueName("org"), isMfaRequired })).GetProperty("id").GetString()!;

    /// <summary>Adds the member as soon as the organization service's replica knows the user (account's event is asynchronous).</summary>
    public Task AddMemberAsync(string organizationId, string userId) =>
        Eventually.TrueAsync(async () =>
        {
            using var response = await management.PostAsJsonAsync($"/api/organizations/{organizationId}/users", new { userIds = new[] { userId } }, Ct);
            return response.StatusCode == HttpStatusCode.Created;
        }, Replication, $"adding {userId} to {organizationId}");

    public async Task<string> CreateUserIdAsync() =>
        (await CreateUserAsync(management, new { username = UniqueName("member"), password = Password })).GetProperty("id").GetString()!;

    public async Task<JsonElement> InternalMembershipsAsync(string userId)
    {
        using var http = new HttpClient { BaseAddress = stack.ServiceUrl("organization") };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/internal/organizations/users/{userId}/memberships");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await stack.ServiceTokenAsync(Ct));
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    /// <summary>An SPA whose users sign in through the Experience API.</summary>
    public async Task<string> CreateSpaAsync()
    {
        using var browser = new SigninClient(stack.GatewayUrl, stack.ManagementClient);
        return (await browser.CreateApplicationAsync("SPA", Callback)).GetProperty("id").GetString()!;
    }

    /// <summary>Registers a user in a fresh browser with <paramref name="scope"/>; returns the user id and the tokens.</summary>
    public async Task<(string UserId, JsonElement Tokens)> RegisterAsync(string clientId, string scope)
    {
        using var browser = new SigninClient(stack.GatewayUrl, stack.ManagementClient);
        var (verifier, challenge) = SigninClient.NewPkce();
        using (await browser.GetAsync(SigninClient.AuthorizePath(clientId, Callback, challenge, scope, "&first_screen=register"))) { }
        using (var verification = await browser.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = SigninClient.NewUsername() }, password = Password }))
        {
            var verificationId = (await ReadJsonAsync(verification)).GetProperty("verificationId").GetString();
            using var identification = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId });
            Assert.Equal(HttpStatusCode.Created, identification.StatusCode);
        }
        using var interaction = await browser.ExperienceAsync(HttpMethod.Get, "/interaction");
        var userId = (await ReadJsonAsync(interaction)).GetProperty("userId").GetString()!;
        var tokens = await browser.RedeemAsync(clientId, await browser.SubmitAndFollowAsync(Callback), Callback, verifier);
        Assert.True(tokens.TryGetProperty("refresh_token", out _), tokens.ToString());
        return (userId, tokens);
    }

    /// <summary>Signs an existing user in with a password in a fresh browser with <paramref name="scope"/>; returns the tokens.</summary>
    public async Task<JsonElement> SignInAsync(string clientId, string username, string scope)
    {
        using var browser = new SigninClient(stack.GatewayUrl, stack.ManagementClient);
        var (verifier, challenge) = SigninClient.NewPkce();
        using (await browser.GetAsync(SigninClient.AuthorizePath(clientId, Callback, challenge, scope))) { }
        using (var verification = await browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = Password }))
        {
            var verificationId = (await ReadJsonAsync(verification)).GetProperty("verificationId").GetString();
            using var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId });
            Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
        }
        return await browser.RedeemAsync(clientId, await browser.SubmitAndFollowAsync(Callback), Callback, verifier);
    }

    /// <summary>GET /oidc/me with the tokens' access token.</summary>
    public async Task<JsonElement> UserInfoAsync(JsonElement tokens)
    {
        using var http = new HttpClient { BaseAddress = stack.GatewayUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    /// <summary>POST /oidc/token through the gateway; the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(params (string Key, string Value)[] form)
    {
        using var http = new HttpClient { BaseAddress = stack.GatewayUrl };
        using var response = await http.PostAsync("/oidc/token", new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))), Ct);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> OrganizationTokenAsync(string clientId, string refreshToken, string organizationId) =>
        TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refreshToken), ("organization_id", organizationId));

    public static void AssertOAuthError((HttpStatusCode Status, JsonElement Body) answer, HttpStatusCode status, string error, string? description = null)
    {
        Assert.True(answer.Status == status, $"expected {(int)status} {error}, got {(int)answer.Status}: {answer.Body}");
        Assert.Equal(error, answer.Body.GetProperty("error").GetString());
        if (description is not null) Assert.Equal(description, answer.Body.GetProperty("error_description").GetString());
        Assert.False(answer.Body.TryGetProperty("access_token", out _));
    }

    /// <summary>Validates a JWT with the keys signin publishes (JWKS through the gateway), the issuer and the audience.</summary>
    public async Task<JsonWebToken> ValidateJwtAsync(string jwt, string audience)
    {
        using var http = new HttpClient { BaseAddress = stack.GatewayUrl };
        var keys = new JsonWebKeySet(await http.GetStringAsync("/oidc/jwks", Ct));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = stack.GatewayUrl.ToString().TrimEnd('/') + "/oidc",
            ValidAudience = audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        return (JsonWebToken)result.SecurityToken;
    }
}
