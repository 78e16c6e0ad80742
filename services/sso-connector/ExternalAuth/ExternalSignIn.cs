using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.SsoConnectors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Platform.SsoConnector.ExternalAuth;

/// <param name="IdpInitiatedSessionId">The browser's <c>_sso_idp_initiated_session</c> cookie, which signin forwards: an
/// unsolicited SAML response of this connector waiting for the sign-in it started.</param>
public sealed record StartRequest(string? State, string? RedirectUri, string? Scope, string? IdpInitiatedSessionId = null);
public sealed record StartResponse(string AuthorizationUri, string ConnectorSessionId);

/// <summary>A configured connector, ready for a sign-in: its kind, the identity namespace, and how to reach the provider.</summary>
public sealed record ResolvedConnector(string Id, string Kind, string Target, ExternalProviderSettings? Oidc, EnterpriseConnector? Saml, bool SyncProfile = false);

/// <summary>
/// The OpenID Connect / OAuth 2.0 client side of social and enterprise sign-in: authorization request with PKCE (S256)
/// and nonce, callback checks (single-use session, state, RFC 9207 <c>iss</c>), code exchange, ID token validated
/// against the provider's JWKS (issuer, audience, lifetime, nonce), userinfo, claim mapping.
/// </summary>
public sealed class ExternalSignIn(SsoConnectorDbContext db, ConnectorConfigVault vault, ConnectorSessionStore sessions, OidcMetadataCache metadata,
    IHttpClientFactory httpClients, TimeProvider clock, Saml.SamlServiceProvider saml, ILogger<ExternalSignIn> logger)
{
    private static readonly string[] AllowedIdTokenAlgorithms =
        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.RsaSsaPssSha256,
         SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512];

    public async Task<ResolvedConnector?> FindConnectorAsync(string id, CancellationToken ct)
    {
        if (!ConnectorIds.IsWellFormed(id)) return null;
        if (await db.Connectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } social)
        {
            var factory = ConnectorFactories.Find(social.ConnectorId)!;
            return new(social.Id, IdentityKinds.Social, social.Target, ExternalProviderSettings.FromSocial(factory, vault.Open(social.Config, social.Secrets)), null, social.SyncProfile);
        }
        if (await db.SsoConnectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } sso && SsoConnectorProviders.Find(sso.ProviderName) is { } provider)
        {
            if (provider.IsSaml) return new(sso.Id, IdentityKinds.Sso, "", null, sso, sso.SyncProfile);
            var settings = ExternalProviderSettings.FromEnterpriseOidc(provider.FixedIssuer, vault.Open(sso.Config, sso.Secrets));
            return new(sso.Id, IdentityKinds.Sso, settings.Issuer ?? "", settings, null, sso.SyncProfile);
        }
        return null;
    }

    public async Task<Outcome<StartResponse>> StartAsync(string connectorId, StartRequest request, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.State) || request.State.Length > 512 || !HostileText.IsStorable(request.State))
            return PlatformProblems.Create(400, "guard.invalid_input", "state is required (at most 512 characters).");
        if (request.RedirectUri is null || request.RedirectUri.Length > 2048 || !ConnectorConfigRules.IsHttpUrl(request.RedirectUri))
            return PlatformProblems.Create(400, "guard.invalid_input", "redirectUri must be an absolute http(s) URL.");
        if (request.Scope is { } extra && (extra.Length > 1024 || !HostileText.IsStorable(extra)))
            return PlatformProblems.Create(400, "guard.invalid_input", "scope is invalid.");
        if (await FindConnectorAsync(connectorId, ct) is not { } connector) return InvalidConnector(connectorId);
        if (connector.Saml is { } samlConnector)
            return await saml.ResumeIdpInitiatedAsync(connector.Id, request.IdpInitiatedSessionId, request.State, request.RedirectUri)
                ?? await saml.StartAsync(samlConnector, request.State, request.RedirectUri, ct);

        var settings = connector.Oidc!;
        var resolved = await ResolveAsync(settings, ct);
        if (resolved.Problem is { } problem) return problem;
        var endpoints = resolved.Value!;

        var sessionId = ConnectorIds.New(32);
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var nonce = settings.Protocol == ExternalProtocol.Oidc ? Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24)) : null;
        var scope = string.Join(' ', $"{settings.Scope} {request.Scope}".Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal));
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = settings.ClientId,
            ["redirect_uri"] = request.RedirectUri,
            ["scope"] = scope.Length == 0 ? null : scope,
            ["state"] = request.State,
            ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
            ["nonce"] = nonce,
            ["response_mode"] = settings.ResponseMode,
            ["prompt"] = settings.Prompt,
        };
        await sessions.SaveAsync(sessionId, new ConnectorSession(connector.Id, connector.Kind, request.State, request.RedirectUri, verifier, nonce));
        var uri = QueryHelpers.AddQueryString(endpoints.AuthorizationEndpoint, query.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value)));
        return new StartResponse(uri, sessionId);
    }

    public async Task<Outcome<ExternalIdentity>> VerifyAsync(string connectorId, string? connectorSessionId, JsonObject? connectorData, CancellationToken ct)
    {
        if (!ConnectorIds.IsWellFormed(connectorSessionId) || await sessions.TakeAsync(connectorSessionId!) is not { } session)
            return PlatformProblems.Create(400, "session.connector_session_not_found", "The connector session is unknown, expired or already used.");
        if (!string.Equals(session.ConnectorId, connectorId, StringComparison.Ordinal))
            return PlatformProblems.Create(400, "session.connector_id_mismatch", "The connector session belongs to another connector.");
        if (session.Identity is { } samlIdentity) return samlIdentity;
        if (await FindConnectorAsync(connectorId, ct) is not { } connector) return InvalidConnector(connectorId);
        if (connector.Saml is not null)
            return PlatformProblems.Create(400, "session.connector_session_not_found", "No SAML response has reached the ACS for this connector session.");
        var data = connectorData ?? [];

        if (Text(data, "error") is { } error)
            return PlatformProblems.Create(400, "connector.authorization_failed", "The provider refused the authorization.",
                new { error = Truncate(error), errorDescription = Truncate(Text(data, "error_description")) });
        if (Text(data, "state") is not { } state || !FixedTimeEquals(state, session.State))
            return PlatformProblems.Create(400, "connector.invalid_request_parameters", "The callback's state does not match the authorization request.", new { reason = "state_mismatch" });
        if (Text(data, "code") is not { Length: > 0 and <= 4096 } code)
            return PlatformProblems.Create(400, "connector.invalid_request_parameters", "The callback carries no authorization code.", new { reason = "code_missing" });

        var settings = connector.Oidc!;
        var resolved = await ResolveAsync(settings, ct);
        if (resolved.Problem is { } problem) return problem;
        var endpoints = resolved.Value!;
        // RFC 9207: when the provider names itself, it must be the one we sent the user to (mix-up defence).
        if (Text(data, "iss") is { } iss && endpoints.Issuer is not null && !string.Equals(iss, endpoints.Issuer, StringComparison.Ordinal))
            return PlatformProblems.Create(400, "connector.invalid_request_parameters", "The callback comes from another issuer.", new { reason = "issuer_mismatch" });

        var tokens = await RedeemCodeAsync(settings, endpoints, code, session, ct);
        if (tokens.Problem is { } tokenProblem) return tokenProblem;
        var raw = new JsonObject();
        JsonObject claims;
        if (settings.Protocol == ExternalProtocol.Oidc)
        {
            var idToken = await ValidateIdTokenAsync(settings, endpoints, Text(tokens.Value!, "id_token"), session.Nonce!, ct);
            if (idToken.Problem is { } idProblem) return idProblem;
            claims = idToken.Value!;
            if (endpoints.UserInfoEndpoint is not null && Text(tokens.Value!, "access_token") is { } accessToken)
            {
                // Userinfo adds claims the ID token left out; it must describe the same subject (OIDC Core 5.3.2).
                var userInfo = await UserInfoAsync(endpoints.UserInfoEndpoint, accessToken, ct);
                if (userInfo.Value is { } extra && Text(extra, "sub") == Text(claims, "sub"))
                    foreach (var (key, value) in extra) if (!claims.ContainsKey(key)) claims[key] = value?.DeepClone();
            }
            // Apple posts the user's name once, beside the code, never in the ID token.
            if (Text(data, "user") is { } appleUser && TryParseObject(appleUser) is { } user && user["name"] is JsonObject name)
                claims["name"] = $"{Text(name, "firstName")} {Text(name, "lastName")}".Trim();
            raw = claims;
            return new ExternalIdentity(connector.Id, connector.Target, connector.Kind, FromOidcClaims(claims, settings.TrustUnverifiedEmail), connector.SyncProfile);
        }

        if (Text(tokens.Value!, "access_token") is not { } token)
            return PlatformProblems.Create(400, "connector.social_auth_code_invalid", "The token endpoint returned no access token.");
        var profile = await UserInfoAsync(endpoints.UserInfoEndpoint!, token, ct);
        if (profile.Problem is { } profileProblem) return profileProblem;
        claims = profile.Value!;
        var mapped = FromProfileMap(claims, settings.ProfileMap, settings.TrustUnverifiedEmail);
        return mapped is null
            ? PlatformProblems.Create(400, "connector.invalid_response", "The provider's profile has no user id.")
            : new ExternalIdentity(connector.Id, connector.Target, connector.Kind, mapped, connector.SyncProfile);
    }

    /// <summary>The provider's endpoints: from the preset/config for OAuth 2.0, from the discovery document for OIDC.</summary>
    public sealed record ProviderEndpoints(string? Issuer, string AuthorizationEndpoint, string TokenEndpoint, string? UserInfoEndpoint);

    public async Task<Outcome<ProviderEndpoints>> ResolveAsync(ExternalProviderSettings settings, CancellationToken ct)
    {
        if (settings.Protocol == ExternalProtocol.OAuth2)
        {
            return settings.AuthorizationEndpoint is { } a && settings.TokenEndpoint is { } t && settings.UserInfoEndpoint is { } u
                ? new ProviderEndpoints(null, a, t, u)
                : PlatformProblems.Create(400, "connector.invalid_config", "The connector lacks an endpoint.");
        }
        if (settings.Issuer is null || !ConnectorConfigRules.IsHttpUrl(settings.Issuer))
            return PlatformProblems.Create(400, "connector.invalid_config", "The connector has no valid issuer.");
        try
        {
            var discovered = await metadata.GetAsync(settings.Issuer, ct);
            // OIDC Discovery 4.3: the document must name the issuer it was fetched for.
            if (!string.Equals(discovered.Issuer, settings.Issuer, StringComparison.Ordinal))
                return PlatformProblems.Create(400, "connector.invalid_config", "The discovery document names another issuer.");
            return new ProviderEndpoints(discovered.Issuer, settings.AuthorizationEndpoint ?? discovered.AuthorizationEndpoint,
                settings.TokenEndpoint ?? discovered.TokenEndpoint, settings.UserInfoEndpoint ?? NullIfEmpty(discovered.UserInfoEndpoint));
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Discovery failed for issuer {Issuer}", settings.Issuer);
            return PlatformProblems.Create(502, "connector.general", "The provider's discovery document could not be read.");
        }
    }

    private async Task<Outcome<JsonObject>> RedeemCodeAsync(ExternalProviderSettings settings, ProviderEndpoints endpoints, string code, ConnectorSession session, CancellationToken ct)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = session.RedirectUri,
            ["code_verifier"] = session.CodeVerifier!,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoints.TokenEndpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (settings.AppleKey is { } apple)
        {
            var secret = AppleClientSecret(apple, settings.ClientId);
            if (secret is null) return PlatformProblems.Create(400, "connector.invalid_config", "The Apple private key is not a PKCS#8 EC key.");
            form["client_id"] = settings.ClientId;
            form["client_secret"] = secret;
        }
        else if (settings.ClientSecretPost)
        {
            form["client_id"] = settings.ClientId;
            form["client_secret"] = settings.ClientSecret ?? "";
        }
        else
        {
            // RFC 6749 2.3.1: both parts form-urlencoded before base64.
            var basic = Uri.EscapeDataString(settings.ClientId) + ":" + Uri.EscapeDataString(settings.ClientSecret ?? "");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        request.Content = new FormUrlEncodedContent(form);
        var answer = await SendForJsonAsync(request, ct);
        if (answer.Problem is { } problem) return problem;
        var (status, body) = answer.Value;
        if (status >= 400 || body is null || body.ContainsKey("error"))
        {
            logger.LogInformation("Token endpoint refused the code: {Status} {Error}", status, body is null ? null : Truncate(Text(body, "error")));
            return PlatformProblems.Create(400, "connector.social_auth_code_invalid", "The provider refused the authorization code.",
                new { error = body is null ? null : Truncate(Text(body, "error")) });
        }
        return body;
    }

    private async Task<Outcome<JsonObject>> ValidateIdTokenAsync(ExternalProviderSettings settings, ProviderEndpoints endpoints, string? idToken, string nonce, CancellationToken ct)
    {
        if (idToken is null) return InvalidIdToken("The token response has no ID token.");
        var handler = new JsonWebTokenHandler();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var configuration = await metadata.GetAsync(settings.Issuer!, ct);
            var result = await handler.ValidateTokenAsync(idToken, new TokenValidationParameters
            {
                ValidIssuer = endpoints.Issuer,
                ValidAudience = settings.ClientId,
                IssuerSigningKeys = configuration.SigningKeys,
                ValidAlgorithms = AllowedIdTokenAlgorithms,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromMinutes(1),
                TryAllIssuerSigningKeys = false,
            });
            if (result.IsValid)
            {
                var token = (JsonWebToken)result.SecurityToken;
                if (!token.TryGetPayloadValue<string>("nonce", out var tokenNonce) || !FixedTimeEquals(tokenNonce, nonce))
                    return InvalidIdToken("The ID token's nonce does not match the authorization request.", "nonce_mismatch");
                // OIDC Core 3.1.3.7: several audiences require azp to be us.
                if (token.Audiences.Count() > 1 && (!token.TryGetPayloadValue<string>("azp", out var azp) || azp != settings.ClientId))
                    return InvalidIdToken("The ID token was issued to another party.", "azp_mismatch");
                return JsonNode.Parse(Base64UrlEncoder.Decode(token.EncodedPayload)) as JsonObject ?? [];
            }
            // A key the cached JWKS does not know yet: the provider may have rotated; refresh once and retry.
            if (attempt == 0 && result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                metadata.Refresh(settings.Issuer!);
                continue;
            }
            logger.LogInformation("ID token refused: {Reason}", result.Exception?.GetType().Name);
            return InvalidIdToken("The ID token is not valid.", result.Exception?.GetType().Name);
        }
        return InvalidIdToken("The ID token is signed with an unknown key.");
    }

    private async Task<Outcome<JsonObject>> UserInfoAsync(string endpoint, string accessToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // GitHub refuses requests without a User-Agent.
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Auth.Platform", "1.0"));
        var answer = await SendForJsonAsync(request, ct);
        if (answer.Problem is { } problem) return problem;
        var (status, body) = answer.Value;
        return status >= 400 || body is null
            ? PlatformProblems.Create(400, "connector.social_invalid_access_token", "The provider's userinfo endpoint refused the access token.")
            : body;
    }

    private async Task<Outcome<(int Status, JsonObject? Body)>> SendForJsonAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            using var client = httpClients.CreateClient(OidcMetadataCache.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            // Answers are small; a provider (or something posing as one) must not make us buffer megabytes.
            if (response.Content.Headers.ContentLength > 256 * 1024)
                return PlatformProblems.Create(502, "connector.invalid_response", "The provider's answer is too large.");
            var text = await response.Content.ReadAsStringAsync(ct);
            if (text.Length > 256 * 1024) return PlatformProblems.Create(502, "connector.invalid_response", "The provider's answer is too large.");
            JsonObject? body;
            try { body = JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { body = null; }
            return ((int)response.StatusCode, body);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Provider call to {Host} failed", request.RequestUri?.Host);
            return PlatformProblems.Create(502, "connector.general", "The provider could not be reached.");
        }
    }

    /// <summary>Apple's client secret (Sign in with Apple REST API): ES256 JWT, iss = team, sub = client id, aud = Apple, 5 minutes.</summary>
    private string? AppleClientSecret(AppleClientKey key, string clientId)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(key.PrivateKeyPem);
            var now = clock.GetUtcNow();
            var signing = new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(true))) { KeyId = key.KeyId }, SecurityAlgorithms.EcdsaSha256);
            return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = key.TeamId,
                Audience = "https://appleid.apple.com",
                Subject = new ClaimsIdentity([new Claim("sub", clientId)]),
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = now.AddMinutes(5).UtcDateTime,
                SigningCredentials = signing,
            });
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return null;
        }
    }

    public static ExternalUserInfo FromOidcClaims(JsonObject claims, bool trustUnverifiedEmail)
    {
        var email = Text(claims, "email");
        return new ExternalUserInfo(Text(claims, "sub") ?? "", email, email is not null && (trustUnverifiedEmail || IsTrue(claims["email_verified"])),
            Text(claims, "phone_number"), Text(claims, "phone_number") is not null && IsTrue(claims["phone_number_verified"]),
            Text(claims, "name"), Text(claims, "picture"), claims);
    }

    /// <summary>OAuth 2.0 has no standard profile: the connector's map names the provider's fields (ids may be numbers).</summary>
    public static ExternalUserInfo? FromProfileMap(JsonObject profile, IReadOnlyDictionary<string, string> map, bool trustUnverifiedEmail)
    {
        string? Field(string name) => map.TryGetValue(name, out var source) && profile[source] is JsonValue v
            ? v.GetValueKind() switch { JsonValueKind.String => v.GetValue<string>(), JsonValueKind.Number => v.ToJsonString(), _ => null }
            : null;
        if (Field("id") is not { Length: > 0 } id) return null;
        var email = Field("email");
        var emailVerified = map.TryGetValue("emailVerified", out var verifiedField) && IsTrue(profile[verifiedField]);
        return new ExternalUserInfo(id, email, email is not null && (trustUnverifiedEmail || emailVerified), Field("phone"), false, Field("name"), Field("avatar"), profile);
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && (v.GetValueKind() == JsonValueKind.True
        || (v.TryGetValue<string>(out var s) && string.Equals(s, "true", StringComparison.OrdinalIgnoreCase)));

    private static JsonObject? TryParseObject(string json)
    {
        try { return JsonNode.Parse(json) as JsonObject; }
        catch (JsonException) { return null; }
    }

    public static string? Text(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static string? Truncate(string? s) => s is null ? null : HostileText.IsStorable(s) ? s[..Math.Min(s.Length, 256)] : "invalid";

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    private static ProblemHttpResult InvalidIdToken(string detail, string? reason = null) =>
        PlatformProblems.Create(400, "connector.social_invalid_id_token", detail, reason is null ? null : new { reason });

    public static ProblemHttpResult InvalidConnector(string connectorId) =>
        PlatformProblems.Create(404, "session.invalid_connector_id", "No connector has this id.", new { connectorId });
}
