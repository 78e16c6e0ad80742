using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.ExternalAuth;
using Auth.Platform.SsoConnector.SsoConnectors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace Auth.Platform.SsoConnector.Saml;

/// <summary>
/// The SP side of SAML 2.0 Web Browser SSO: AuthnRequest by HTTP-Redirect (signed when the connector asks,
/// <c>signAuthnRequest</c>), the ACS (HTTP-POST) for solicited and, when configured, unsolicited responses, and the
/// assertion-ID replay cache. RelayState is only ever our opaque connector-session id (S-13).
/// </summary>
public sealed class SamlServiceProvider(SsoConnectorDbContext db, ConnectorConfigVault vault, ConnectorSessionStore sessions, IConnectionMultiplexer redis,
    IHttpClientFactory httpClients, IConfiguration configuration, TimeProvider clock, ILogger<SamlServiceProvider> logger)
{
    public const string IdpInitiatedSessionCookie = "_sso_idp_initiated_session";

    /// <summary>
    /// The IdP-initiated hand-off: when the browser brings the id of an unsolicited response this connector validated (the
    /// <c>_sso_idp_initiated_session</c> cookie, forwarded by signin), the sign-in needs no AuthnRequest: the "authorization
    /// URI" is the caller's own callback, exactly as the ACS answers a solicited response, and verify then takes the
    /// waiting identity (once: the session is taken). Anything else (no cookie, expired, another connector's, an SP-initiated
    /// session) is null: the normal AuthnRequest follows.
    /// </summary>
    public async Task<Outcome<StartResponse>?> ResumeIdpInitiatedAsync(string connectorId, string? pendingId, string state, string redirectUri)
    {
        if (!ConnectorIds.IsWellFormed(pendingId) || await sessions.PeekAsync(pendingId!) is not { Identity: not null, SamlRequestId: null, State: "" } pending
            || pending.ConnectorId != connectorId) return null;
        var back = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(redirectUri,
            new Dictionary<string, string?> { ["state"] = state, ["connectorSessionId"] = pendingId });
        return new StartResponse(back, pendingId!);
    }

    public async Task<Outcome<StartResponse>> StartAsync(EnterpriseConnector connector, string state, string redirectUri, CancellationToken ct)
    {
        var config = vault.Open(connector.Config, connector.Secrets);
        if (await IdentityProviderAsync(config, ct) is not { } idp) return InvalidConfig();
        var sp = SamlEndpoints.ServiceProviderOf(connector.Id, configuration.GetPublicUrl());
        var requestId = "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var sessionId = ConnectorIds.New(32);

        var xml = new StringBuilder();
        using (var writer = XmlWriter.Create(xml, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("samlp", "AuthnRequest", SamlNamespaces.Protocol);
            writer.WriteAttributeString("xmlns", "saml", null, SamlNamespaces.Assertion);
            writer.WriteAttributeString("ID", requestId);
            writer.WriteAttributeString("Version", "2.0");
            writer.WriteAttributeString("IssueInstant", clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteAttributeString("Destination", idp.SignInEndpoint);
            writer.WriteAttributeString("AssertionConsumerServiceURL", sp.AssertionConsumerServiceUrl);
            writer.WriteAttributeString("ProtocolBinding", SamlNamespaces.PostBinding);
            writer.WriteElementString("saml", "Issuer", SamlNamespaces.Assertion, sp.EntityId);
            writer.WriteStartElement("samlp", "NameIDPolicy", SamlNamespaces.Protocol);
            writer.WriteAttributeString("AllowCreate", "true");
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        var query = "SAMLRequest=" + Uri.EscapeDataString(Deflate(xml.ToString())) + "&RelayState=" + Uri.EscapeDataString(sessionId);
        if (config["signAuthnRequest"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            // Bindings §3.4.4.1: the signature covers the query's octets, in this order, as sent.
            var sha512 = ExternalSignIn.Text(config, "signatureAlgorithm") is "RSA-SHA512";
            query += "&SigAlg=" + Uri.EscapeDataString(sha512 ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" : "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
            using var key = RSA.Create();
            key.ImportFromPem(vault.OpenSpCredentials(connector.SpCredentials!).ActiveKey.PrivateKeyPem);
            var signature = key.SignData(Encoding.UTF8.GetBytes(query), sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            query += "&Signature=" + Uri.EscapeDataString(Convert.ToBase64String(signature));
        }
        await sessions.SaveAsync(sessionId, new ConnectorSession(connector.Id, IdentityKinds.Sso, state, redirectUri, SamlRequestId: requestId));
        return new StartResponse(idp.SignInEndpoint + (idp.SignInEndpoint.Contains('?') ? "&" : "?") + query, sessionId);
    }

    /// <summary>
    /// The ACS. Solicited (RelayState names a session waiting for this connector): the identity is attached to the
    /// session and the browser goes back to the session's redirect URI. Unsolicited: only with an IdP-initiated
    /// configuration; the identity waits in a new session (cookie) and the browser goes to the client (option A) or
    /// through <c>/oidc/auth</c> (option B).
    /// </summary>
    public async Task<IResult> AcceptAsync(string connectorId, string? samlResponse, string? relayState, HttpContext http, CancellationToken ct)
    {
        if (!ConnectorIds.IsWellFormed(connectorId) || await db.SsoConnectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == connectorId, ct) is not { } connector
            || SsoConnectorProviders.Find(connector.ProviderName) is not { IsSaml: true })
            return ExternalSignIn.InvalidConnector(connectorId);
        if (string.IsNullOrEmpty(samlResponse)) return PlatformProblems.Create(400, "connector.invalid_response", "SAMLResponse is missing.", new { reason = "malformed" });
        var config = vault.Open(connector.Config, connector.Secrets);
        if (await IdentityProviderAsync(config, ct) is not { } idp) return InvalidConfig();

        var session = ConnectorIds.IsWellFormed(relayState) ? await sessions.PeekAsync(relayState!) : null;
        if (session is not null && (session.ConnectorId != connectorId || session.SamlRequestId is null || session.Identity is not null)) session = null;
        var idpInitiated = session is null ? await db.IdpInitiatedAuthConfigs.AsNoTracking().FirstOrDefaultAsync(c => c.ConnectorId == connectorId, ct) : null;
        if (session is null && idpInitiated is null)
            return PlatformProblems.Create(400, "connector.invalid_response", "No sign-in is waiting for this response and IdP-initiated sign-in is not configured.",
                new { reason = "unsolicited_response_refused" });

        var sp = SamlEndpoints.ServiceProviderOf(connector.Id, configuration.GetPublicUrl());
        var credentials = vault.OpenSpCredentials(connector.SpCredentials!);
        var keys = credentials.Keys.Select(k => { var rsa = RSA.Create(); rsa.ImportFromPem(k.PrivateKeyPem); return rsa; }).ToList();
        SamlAssertion assertion;
        try
        {
            assertion = SamlResponseValidator.Validate(samlResponse, new SamlValidationContext(sp.EntityId, sp.AssertionConsumerServiceUrl, idp,
                session?.SamlRequestId, keys, clock.GetUtcNow()));
        }
        catch (SamlRejectedException e)
        {
            logger.LogInformation("SAML response refused for connector {ConnectorId}: {Reason}", connectorId, e.Reason);
            return e.Reason == "status_not_success"
                ? PlatformProblems.Create(400, "connector.authorization_failed", e.Message)
                : PlatformProblems.Create(400, "connector.invalid_response", e.Message, new { reason = e.Reason });
        }
        finally
        {
            foreach (var key in keys) key.Dispose();
        }

        // S-12: an assertion is accepted once, for as long as it would otherwise be valid.
        var replayWindow = assertion.NotOnOrAfter + SamlResponseValidator.Skew - clock.GetUtcNow();
        var replayKey = "sso-connector:saml-assertion:" + connectorId + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(assertion.Id)));
        if (!await redis.GetDatabase().StringSetAsync(replayKey, "1", replayWindow < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : replayWindow, When.NotExists))
            return PlatformProblems.Create(400, "connector.invalid_response", "This assertion has already been used.", new { reason = "assertion_replayed" });

        var domains = await db.SsoConnectorDomains.AsNoTracking().Where(d => d.ConnectorId == connectorId).Select(d => d.Domain).ToListAsync(ct);
        var identity = new ExternalIdentity(connector.Id, idp.EntityId, IdentityKinds.Sso, SamlAttributeMapping.ToUserInfo(assertion, config, domains),
            connector.SyncProfile);

        if (session is not null)
        {
            if (!await sessions.ReplaceAsync(relayState!, session with { Identity = identity }))
                return PlatformProblems.Create(400, "session.connector_session_not_found", "The sign-in this response answers has expired.");
            var back = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(session.RedirectUri,
                new Dictionary<string, string?> { ["state"] = session.State, ["connectorSessionId"] = relayState });
            return TypedResults.Redirect(back);
        }

        // IdP-initiated: the identity waits (at most 10 minutes, never beyond the assertion) for the sign-in the redirect starts.
        var pendingId = ConnectorIds.New(32);
        var lifetime = assertion.NotOnOrAfter - clock.GetUtcNow();
        await sessions.SaveAsync(pendingId, new ConnectorSession(connector.Id, IdentityKinds.Sso, "", "", Identity: identity),
            lifetime < ConnectorSessionStore.Lifetime && lifetime > TimeSpan.FromSeconds(30) ? lifetime : ConnectorSessionStore.Lifetime);
        http.Response.Cookies.Append(IdpInitiatedSessionCookie, pendingId, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = ConnectorSessionStore.Lifetime,
        });
        return TypedResults.Redirect(IdpInitiatedRedirect(idpInitiated!, connector.Id));
    }

    /// <summary>Option A: the client's callback starts a normal sign-in (<c>direct_sign_in=sso:{id}</c>); option B: the platform's own authorization request.</summary>
    private string IdpInitiatedRedirect(IdpInitiatedAuthConfig config, string connectorId)
    {
        if (!config.AutoSendAuthorizationRequest)
            return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(config.ClientIdpInitiatedAuthCallbackUri!, "ssoConnectorId", connectorId);
        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["scope"] = "openid profile",
            ["prompt"] = "login",
        };
        foreach (var (key, value) in JsonNode.Parse(config.AuthParameters) as JsonObject ?? []) parameters[key] = value?.ToString();
        parameters["client_id"] = config.DefaultApplicationId;
        parameters["redirect_uri"] = config.RedirectUri;
        parameters["direct_sign_in"] = "sso:" + connectorId;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(configuration.GetPublicUrl() + "/oidc/auth", parameters);
    }

    public async Task<SamlIdentityProvider?> IdentityProviderAsync(JsonObject config, CancellationToken ct)
    {
        try
        {
            return await SamlIdentityProvider.FromConfigAsync(config, httpClients, ct);
        }
        catch (Exception e) when (e is XmlException or FormatException or System.Security.Cryptography.CryptographicException or HttpRequestException or IOException
            or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("SAML IdP configuration unusable: {Error}", e.GetType().Name);
            return null;
        }
    }

    private static ProblemHttpResult InvalidConfig() =>
        PlatformProblems.Create(400, "connector.invalid_config", "The SAML connector lacks a usable IdP (metadata, or entityId + signInEndpoint + x509Certificate).");

    /// <summary>HTTP-Redirect encoding (Bindings §3.4.4.1): raw DEFLATE, then base64.</summary>
    private static string Deflate(string xml)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal)) deflate.Write(Encoding.UTF8.GetBytes(xml));
        return Convert.ToBase64String(output.ToArray());
    }
}

/// <summary>SAML attributes → the normalized profile (connector's <c>attributeMapping</c> first, then the usual attribute names).</summary>
public static class SamlAttributeMapping
{
    private static readonly Dictionary<string, string[]> Defaults = new()
    {
        ["email"] = ["email", "mail", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "urn:oid:0.9.2342.19200300.100.1.3"],
        ["name"] = ["name", "displayName", "http://schemas.microsoft.com/identity/claims/displayname", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"],
        ["phone"] = ["phone", "telephoneNumber", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/mobilephone"],
        ["avatar"] = ["avatar", "picture"],
    };

    /// <summary>
    /// The user id is the NameID unless mapped (S-14: link by connector + NameID, not by email). SAML says nothing about
    /// verification: an email counts as verified when its domain is one this connector is routed for (the IdP is that
    /// domain's authority), or when the connector is told to trust it.
    /// </summary>
    public static ExternalUserInfo ToUserInfo(SamlAssertion assertion, JsonObject config, IReadOnlyCollection<string> connectorDomains)
    {
        var mapping = config["attributeMapping"] as JsonObject;
        string? Value(string field)
        {
            var names = mapping?[field] is JsonValue v && v.TryGetValue<string>(out var mapped) ? [mapped] : Defaults.GetValueOrDefault(field, []);
            return names.Select(n => assertion.Attributes.GetValueOrDefault(n)?.FirstOrDefault()).FirstOrDefault(x => !string.IsNullOrEmpty(x));
        }
        var id = mapping?["id"] is not null ? Value("id") ?? assertion.NameId : assertion.NameId;
        var email = Value("email") ?? (assertion.NameIdFormat == SamlNamespaces.EmailNameIdFormat ? assertion.NameId : null);
        var trusted = config["trustUnverifiedEmail"]?.GetValueKind() == System.Text.Json.JsonValueKind.True
            || (EmailDomains.OfEmail(email) is { } domain && connectorDomains.Contains(domain));
        var raw = new JsonObject { ["nameId"] = assertion.NameId, ["nameIdFormat"] = assertion.NameIdFormat };
        var attributes = new JsonObject();
        foreach (var (name, values) in assertion.Attributes) attributes[name] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        raw["attributes"] = attributes;
        return new ExternalUserInfo(id, email, email is not null && trusted, Value("phone"), false, Value("name"), Value("avatar"), raw);
    }
}
