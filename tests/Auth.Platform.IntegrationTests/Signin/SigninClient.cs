using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>
/// A browser-like client of the public origin (cookies kept, redirects not followed) plus the steps of signin's flows.
/// Each test makes its own client, users and applications, so tests never share data.
/// </summary>
public sealed class SigninClient : IDisposable
{
    public const string ManagementResource = "https://default.logto.app/api";
    private readonly HttpClient _http;
    private readonly (string Id, string Secret) _management;

    public SigninClient(Uri publicUrl, (string ClientId, string ClientSecret) management)
    {
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = publicUrl };
        _management = management;
        PublicUrl = publicUrl.ToString().TrimEnd('/');
    }

    public string PublicUrl { get; }
    public string Issuer => PublicUrl + "/oidc";
    public HttpClient Http => _http;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string NewUsername() => "u_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();

    public async Task<JsonElement> TokenAsync(params (string Key, string Value)[] form)
    {
        using var response = await _http.PostAsync("/oidc/token", new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))), Ct);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    public async Task<string> ManagementTokenAsync()
    {
        var token = await TokenAsync(("grant_type", "client_credentials"), ("client_id", _management.Id), ("client_secret", _management.Secret),
            ("resource", ManagementResource), ("scope", "all"));
        return token.GetProperty("access_token").GetString()!;
    }

    public async Task<HttpResponseMessage> ManagementAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", await ManagementTokenAsync());
        return await _http.SendAsync(request, Ct);
    }

    /// <summary>Creates an application through the Management API and returns its JSON (with <c>secret</c> for confidential types).</summary>
    public async Task<JsonElement> CreateApplicationAsync(string type, params string[] redirectUris)
    {
        using var response = await ManagementAsync(HttpMethod.Post, "/api/applications", new
        {
            name = "test " + type, type,
            oidcClientMetadata = new { redirectUris, postLogoutRedirectUris = Array.Empty<string>() },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>A confidential (Traditional) application, a new user registered through it, and the tokens its code redeemed.</summary>
    public async Task<(string ClientId, string Secret, JsonElement Tokens)> SignInWithConfidentialClientAsync(string redirectUri)
    {
        var app = await CreateApplicationAsync("Traditional", redirectUri);
        var clientId = app.GetProperty("id").GetString()!;
        var secret = app.GetProperty("secret").GetString()!;
        var (verifier, challenge) = NewPkce();
        var code = await RegisterAndGetCodeAsync(clientId, redirectUri, challenge, NewUsername());
        var tokens = await TokenAsync(("grant_type", "authorization_code"), ("client_id", clientId), ("client_secret", secret),
            ("code", code), ("redirect_uri", redirectUri), ("code_verifier", verifier));
        return (clientId, secret, tokens);
    }

    public static string AuthorizePath(string clientId, string redirectUri, string? challenge, string scope = "openid profile offline_access", string extra = "") =>
        "/oidc/auth?" + string.Join('&', new Dictionary<string, string?>
        {
            ["client_id"] = clientId, ["response_type"] = "code", ["redirect_uri"] = redirectUri, ["scope"] = scope, ["state"] = "state-1",
            ["code_challenge"] = challenge, ["code_challenge_method"] = challenge is null ? null : "S256",
        }.Where(p => p.Value is not null).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!))) + extra;

    public Task<HttpResponseMessage> GetAsync(string pathOrUrl) => _http.GetAsync(pathOrUrl, Ct);

    public async Task<HttpResponseMessage> ExperienceAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, "/api/experience" + path) { Content = body is null ? null : JsonContent.Create(body) };
        return await _http.SendAsync(request, Ct);
    }

    /// <summary>Registers a new user through the Experience API from a fresh <c>/oidc/auth</c> request and returns the authorization code.</summary>
    public async Task<string> RegisterAndGetCodeAsync(string clientId, string redirectUri, string challenge, string username, string password = "correct horse battery")
    {
        using (var start = await GetAsync(AuthorizePath(clientId, redirectUri, challenge, extra: "&first_screen=register")))
            Assert.Equal(PublicUrl + "/register", start.Headers.Location?.ToString());
        using var verification = await ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = username }, password });
        Assert.Equal(HttpStatusCode.OK, verification.StatusCode);
        var verificationId = (await verification.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verificationId").GetString();
        using (var identification = await ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }))
            Assert.Equal(HttpStatusCode.Created, identification.StatusCode);
        return await SubmitAndFollowAsync(redirectUri);
    }

    /// <summary>Submits the identified interaction, follows <c>redirectTo</c> and returns the code sent to the client.</summary>
    public async Task<string> SubmitAndFollowAsync(string redirectUri)
    {
        using var submit = await ExperienceAsync(HttpMethod.Post, "/submit");
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        var redirectTo = (await submit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("redirectTo").GetString()!;
        Assert.StartsWith(Issuer + "/auth?", redirectTo);
        using var resumed = await GetAsync(redirectTo);
        Assert.Equal(HttpStatusCode.Redirect, resumed.StatusCode);
        return CodeFrom(resumed, redirectUri);
    }

    public static string CodeFrom(HttpResponseMessage response, string redirectUri)
    {
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(redirectUri + "?", location);
        var code = Query(location, "code");
        Assert.True(code is not null, location);
        return code!;
    }

    /// <summary>Registers a new user, then authorizes again in the same session with <paramref name="scope"/> and redeems the code: that user's tokens.</summary>
    public async Task<JsonElement> RegisterAndGetTokensAsync(string clientId, string redirectUri, string scope)
    {
        var (_, registerChallenge) = NewPkce();
        await RegisterAndGetCodeAsync(clientId, redirectUri, registerChallenge, NewUsername());
        var (verifier, challenge) = NewPkce();
        using var authorize = await GetAsync(AuthorizePath(clientId, redirectUri, challenge, scope));
        var tokens = await RedeemAsync(clientId, CodeFrom(authorize, redirectUri), redirectUri, verifier);
        Assert.True(tokens.TryGetProperty("access_token", out _), tokens.ToString());
        return tokens;
    }

    public Task<JsonElement> RedeemAsync(string clientId, string code, string redirectUri, string verifier) =>
        TokenAsync(("grant_type", "authorization_code"), ("client_id", clientId), ("code", code), ("redirect_uri", redirectUri), ("code_verifier", verifier));

    public Task<JsonElement> RefreshAsync(string clientId, string refreshToken) =>
        TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refreshToken));

    public static string? Query(string url, string name) =>
        new Uri(url).Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")).FirstOrDefault();

    public static JsonElement Payload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonSerializer.Deserialize<JsonElement>(Convert.FromBase64String(part.PadRight(part.Length + (4 - part.Length % 4) % 4, '=')));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
