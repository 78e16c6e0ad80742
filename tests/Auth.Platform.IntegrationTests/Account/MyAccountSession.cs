using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>A user signed in through a real code flow, as an app calling the Account and Verification APIs would be.</summary>
internal sealed record SignedInUser(string AccessToken, string UserId, string Username, string Password = MyAccountSession.Password);

/// <summary>
/// A browser-like client of the gateway for Account API tests: registers users through the Experience API, redeems
/// their code at <c>/oidc/token</c>, and calls <c>/api/my-account</c> and <c>/api/verifications</c> with the token.
/// </summary>
internal sealed class MyAccountSession(PlatformStack stack) : IDisposable
{
    public const string Password = "correct horse battery";
    private const string RedirectUri = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(stack.GatewayUrl, stack.ManagementClient);

    public void Dispose() => _client.Dispose();

    /// <summary>A new user, registered and signed in through a first-party SPA with <paramref name="scope"/>.</summary>
    public async Task<SignedInUser> SignInAsync(string scope)
    {
        var clientId = await CreateAppAsync(isThirdParty: false);
        var (_, registerChallenge) = SigninClient.NewPkce();
        var username = SigninClient.NewUsername();
        await _client.RegisterAndGetCodeAsync(clientId, RedirectUri, registerChallenge, username, Password);
        var (verifier, challenge) = SigninClient.NewPkce();
        using var authorize = await _client.GetAsync(SigninClient.AuthorizePath(clientId, RedirectUri, challenge, scope));
        return await RedeemAsync(clientId, SigninClient.CodeFrom(authorize, RedirectUri), verifier, username);
    }

    /// <summary>A new user signed in, then a token for a third-party app the user consented to.</summary>
    public async Task<SignedInUser> SignInWithThirdPartyAppAsync(string scope)
    {
        var firstParty = await SignInAsync(scope);
        var thirdParty = await CreateAppAsync(isThirdParty: true);
        var (verifier, challenge) = SigninClient.NewPkce();
        using (var authorize = await _client.GetAsync(SigninClient.AuthorizePath(thirdParty, RedirectUri, challenge, scope)))
            Assert.Equal(_client.PublicUrl + "/consent", authorize.Headers.Location?.ToString());
        using var decision = await _client.Http.PostAsync("/api/interaction/consent", null, Ct);
        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
        var redirectTo = (await decision.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("redirectTo").GetString()!;
        using var resumed = await _client.GetAsync(redirectTo);
        return await RedeemAsync(thirdParty, SigninClient.CodeFrom(resumed, RedirectUri), verifier, firstParty.Username);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken, object? body = null, string? verificationId = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (verificationId is not null) request.Headers.Add("logto-verification-id", verificationId);
        if (body is not null) request.Content = body as HttpContent ?? JsonContent.Create(body);
        return await _client.Http.SendAsync(request, Ct);
    }

    /// <summary>A step-up record from <c>POST /api/verifications/password</c>.</summary>
    public async Task<string> VerifyPasswordAsync(SignedInUser user)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/verifications/password", user.AccessToken, new { password = user.Password });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await ReadJsonAsync(response)).GetProperty("verificationRecordId").GetString()!;
    }

    private async Task<SignedInUser> RedeemAsync(string clientId, string code, string verifier, string username)
    {
        var tokens = await _client.RedeemAsync(clientId, code, RedirectUri, verifier);
        var userId = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        return new SignedInUser(tokens.GetProperty("access_token").GetString()!, userId, username);
    }

    private async Task<string> CreateAppAsync(bool isThirdParty)
    {
        using var created = await _client.ManagementAsync(HttpMethod.Post, "/api/applications", new
        {
            name = isThirdParty ? "Third-party app" : "First-party app", type = "SPA", isThirdParty,
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri } },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }
}
