using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>
/// <c>id_token_hint</c> at <c>/oidc/auth</c> (OIDC Core §3.1.2.1, issue 10 pt 2): a hint must be one of our ID tokens for
/// this client (signature with our keys, issuer, audience; it may have expired), and it names the user the client expects.
/// </summary>
public sealed class IdTokenHintTests(PlatformStackFixture fixture) : IDisposable
{
    private const string Redirect = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task PromptNone_WithTheSignedInUsersHint_IssuesACode()
    {
        var (clientId, idToken) = await SignedInWithIdTokenAsync();
        using var response = await _client.GetAsync(AuthorizeWithHint(clientId, idToken, "&prompt=none"));
        Assert.NotEmpty(SigninClient.CodeFrom(response, Redirect));
    }

    [Fact]
    public async Task PromptNone_WithAnotherUsersRealHint_ReturnsLoginRequired()
    {
        var (clientId, _) = await SignedInWithIdTokenAsync();
        var othersIdToken = await IdTokenOfAnotherUserAsync(clientId);

        using var response = await _client.GetAsync(AuthorizeWithHint(clientId, othersIdToken, "&prompt=none"));
        AssertErrorToClient(response, "login_required");
    }

    [Fact]
    public async Task Interactive_WithAnotherUsersRealHint_AsksToSignInAgain()
    {
        var (clientId, _) = await SignedInWithIdTokenAsync();
        var othersIdToken = await IdTokenOfAnotherUserAsync(clientId);

        using var response = await _client.GetAsync(AuthorizeWithHint(clientId, othersIdToken));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(_client.PublicUrl + "/sign-in", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("alg-none")]
    [InlineData("foreign-key")]
    [InlineData("altered-subject")]
    [InlineData("malformed")]
    public async Task PromptNone_WithAForgedOrMalformedHint_IsRefused(string forgery)
    {
        var (clientId, idToken) = await SignedInWithIdTokenAsync();
        var hint = forgery switch
        {
            "alg-none" => Resign(idToken, "none", key: null),
            "foreign-key" => Resign(idToken, "RS256", RSA.Create(2048)),
            "altered-subject" => ReplaceSubjectKeepingTheSignature(idToken, "someone-else"),
            _ => "not.a-jwt",
        };

        using var response = await _client.GetAsync(AuthorizeWithHint(clientId, hint, "&prompt=none"));
        AssertErrorToClient(response, "invalid_request", "The specified 'id_token_hint' is invalid.");
    }

    private static string AuthorizeWithHint(string clientId, string hint, string extra = "") =>
        SigninClient.AuthorizePath(clientId, Redirect, SigninClient.NewPkce().Challenge, scope: "openid", extra: "&id_token_hint=" + Uri.EscapeDataString(hint) + extra);

    private void AssertErrorToClient(HttpResponseMessage response, string error, string? description = null)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(Redirect + "?", location);
        Assert.Equal(error, SigninClient.Query(location, "error"));
        if (description is not null) Assert.Equal(description, SigninClient.Query(location, "error_description"));
        Assert.Equal("state-1", SigninClient.Query(location, "state"));
        Assert.Null(SigninClient.Query(location, "code"));
    }

    /// <summary>A SPA, a user signed in on this client's browser, and that user's real ID token.</summary>
    private async Task<(string ClientId, string IdToken)> SignedInWithIdTokenAsync()
    {
        var clientId = (await _client.CreateApplicationAsync("SPA", Redirect)).GetProperty("id").GetString()!;
        return (clientId, await RegisterAndRedeemIdTokenAsync(_client, clientId));
    }

    /// <summary>Another user's real ID token for the same client, made in another browser.</summary>
    private async Task<string> IdTokenOfAnotherUserAsync(string clientId)
    {
        using var other = new SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
        return await RegisterAndRedeemIdTokenAsync(other, clientId);
    }

    private static async Task<string> RegisterAndRedeemIdTokenAsync(SigninClient client, string clientId)
    {
        var (verifier, challenge) = SigninClient.NewPkce();
        var code = await client.RegisterAndGetCodeAsync(clientId, Redirect, challenge, SigninClient.NewUsername());
        return (await client.RedeemAsync(clientId, code, Redirect, verifier)).GetProperty("id_token").GetString()!;
    }

    /// <summary>The same header (same <c>kid</c>) and claims, signed with <paramref name="key"/> (none: <c>alg:none</c>, no signature).</summary>
    private static string Resign(string jwt, string alg, RSA? key)
    {
        var parts = jwt.Split('.');
        var header = JsonSerializer.Deserialize<Dictionary<string, object?>>(Base64UrlDecode(parts[0]))!;
        header["alg"] = alg;
        var signingInput = Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + parts[1];
        var signature = key is null ? "" : Base64UrlEncode(key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return signingInput + "." + signature;
    }

    private static string ReplaceSubjectKeepingTheSignature(string jwt, string subject)
    {
        var parts = jwt.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, object?>>(Base64UrlDecode(parts[1]))!;
        payload["sub"] = subject;
        return parts[0] + "." + Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(payload)) + "." + parts[2];
    }

    private static byte[] Base64UrlDecode(string value)
    {
        var base64 = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
