using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Xml;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// SAML SP signing-key rotation (issue 12 pt 4, Logto 1.44's <c>/api/sso-connectors/{id}/signing-keys</c>): stage, publish,
/// activate, retire. The signed AuthnRequest is checked by npm samlify acting as the IdP (not our code) with the one SP
/// certificate it trusts.
/// </summary>
public sealed class SpSigningKeyRotationTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Ds = "http://www.w3.org/2000/09/xmldsig#";
    private SsoApi _api = null!;
    private readonly (string Key, string Certificate) _idpKeys = KeyPair();
    private readonly string _idpEntityId = "https://idp.saml.test/" + Guid.NewGuid().ToString("N")[..8];

    public async ValueTask InitializeAsync() => _api = await SsoApi.CreateAsync(fixture.Stack);

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private static (string Key, string Certificate) KeyPair()
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=samlify rotation IdP", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        return (rsa.ExportPkcs8PrivateKeyPem(), certificate.ExportCertificatePem());
    }

    private async Task<JsonObject> SamlConnectorAsync(bool signAuthnRequest = true) =>
        await _api.CreateAsync("/api/sso-connectors", new
        {
            providerName = "SAML",
            connectorName = "rotation " + Guid.NewGuid().ToString("N")[..10],
            config = new { entityId = _idpEntityId, signInEndpoint = "https://idp.saml.test/sso", x509Certificate = _idpKeys.Certificate, signAuthnRequest },
        });

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await _api.Management.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<JsonArray> KeysAsync(string connectorId)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"/api/sso-connectors/{connectorId}/signing-keys");
        Assert.Equal(HttpStatusCode.OK, status);
        return body!.AsArray();
    }

    private async Task<string[]> MetadataCertificatesAsync(string connectorId)
    {
        var metadata = new XmlDocument();
        metadata.LoadXml(await _api.Browser.GetStringAsync($"/api/authn/single-sign-on/saml/{connectorId}/metadata", Ct));
        return [.. metadata.GetElementsByTagName("X509Certificate", Ds).Cast<XmlElement>().Select(e => e.InnerText).Distinct()];
    }

    private async Task<string> AuthorizationUriAsync(string connectorId)
    {
        var (status, body) = await _api.PostInternalAsync($"/internal/connectors/{connectorId}/authorization-uri", new { state = "st", redirectUri = "http://127.0.0.1:5999/callback/sso" });
        Assert.True(status == 200, body.ToJsonString());
        return body["authorizationUri"]!.GetValue<string>();
    }

    /// <summary>samlify, as the IdP, parses the signed request with <paramref name="trustedSpCertificate"/> as the SP's only signing certificate.</summary>
    private async Task<JsonObject> IdpParsesAsync(JsonObject connector, string authorizationUri, string trustedSpCertificate)
    {
        var sp = connector["providerConfig"]!["serviceProvider"]!;
        return await NodeScripts.RunAsync("saml-idp-login-request.mjs", System.Text.Json.JsonSerializer.Serialize(new
        {
            authorizationUri,
            spEntityId = sp["entityId"]!.GetValue<string>(),
            acsUrl = sp["assertionConsumerServiceUrl"]!.GetValue<string>(),
            spSigningCert = trustedSpCertificate,
            idpEntityId = _idpEntityId,
            ssoUrl = "https://idp.saml.test/sso",
            idpPrivateKey = _idpKeys.Key,
            idpCertificate = _idpKeys.Certificate,
        }));
    }

    private static string Base64Body(string pem) =>
        pem.Replace("-----BEGIN CERTIFICATE-----", "").Replace("-----END CERTIFICATE-----", "").Replace("\n", "").Replace("\r", "").Trim();

    [Fact]
    public async Task SigningKeys_NewConnector_HasOneActiveKey_WithItsPublicPartsOnly()
    {
        var connector = await SamlConnectorAsync();
        var keys = await KeysAsync(connector["id"]!.GetValue<string>());

        var key = Assert.Single(keys)!.AsObject();
        Assert.True(key["active"]!.GetValue<bool>());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", key["certificate"]!.GetValue<string>());
        using var certificate = X509Certificate2.CreateFromPem(key["certificate"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(certificate.RawData)), key["fingerprints"]!["sha256"]!["unformatted"]!.GetValue<string>());
        Assert.Equal(64 + 31, key["fingerprints"]!["sha256"]!["formatted"]!.GetValue<string>().Length);
        Assert.True(key["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddYears(1));
        Assert.DoesNotContain("PRIVATE", key.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["id", "certificate", "createdAt", "expiresAt", "active", "fingerprints"], key.Select(p => p.Key));
    }

    [Fact]
    public async Task Rotation_StageActivateRetire_TheIdpVerifiesRequestsWithTheNewCertificate()
    {
        var connector = await SamlConnectorAsync();
        var id = connector["id"]!.GetValue<string>();
        var oldKey = Assert.Single(await KeysAsync(id))!;
        var oldCertificate = oldKey["certificate"]!.GetValue<string>();
        Assert.True((await IdpParsesAsync(connector, await AuthorizationUriAsync(id), oldCertificate))["verified"]!.GetValue<bool>());

        // 1. Stage: inactive by default, published in the metadata next to the current key, not yet signing.
        var (created, staged) = await SendAsync(HttpMethod.Post, $"/api/sso-connectors/{id}/signing-keys", new { });
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.False(staged!["active"]!.GetValue<bool>());
        var newCertificate = staged["certificate"]!.GetValue<string>();
        var published = await MetadataCertificatesAsync(id);
        Assert.Equal(2, published.Length);
        Assert.Contains(Base64Body(oldCertificate), published);
        Assert.Contains(Base64Body(newCertificate), published);
        Assert.True((await IdpParsesAsync(connector, await AuthorizationUriAsync(id), oldCertificate))["verified"]!.GetValue<bool>());

        // 2. Activate: the new key signs; the old one is deactivated in the same write and stays published.
        var (patched, activated) = await SendAsync(HttpMethod.Patch, $"/api/sso-connectors/{id}/signing-keys/{staged["id"]}", new { active = true });
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.True(activated!["active"]!.GetValue<bool>());
        var keys = await KeysAsync(id);
        Assert.Equal([staged["id"]!.GetValue<string>()], keys.Where(k => k!["active"]!.GetValue<bool>()).Select(k => k!["id"]!.GetValue<string>()));
        Assert.Equal(2, (await MetadataCertificatesAsync(id)).Length);
        var uri = await AuthorizationUriAsync(id);
        var verified = await IdpParsesAsync(connector, uri, newCertificate);
        Assert.True(verified["verified"]!.GetValue<bool>(), verified.ToJsonString());
        Assert.Equal(connector["providerConfig"]!["serviceProvider"]!["entityId"]!.GetValue<string>(), verified["issuer"]!.GetValue<string>());
        // An IdP that still trusts only the old certificate refuses the new signature: the new key really signs.
        var refused = await IdpParsesAsync(connector, uri, oldCertificate);
        Assert.False(refused["verified"]!.GetValue<bool>());
        Assert.Equal("ERR_FAILED_MESSAGE_SIGNATURE_VERIFICATION", refused["error"]!.GetValue<string>());

        // 3. Retire the old key: gone from the list and the metadata.
        var (deleted, _) = await SendAsync(HttpMethod.Delete, $"/api/sso-connectors/{id}/signing-keys/{oldKey["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal([Base64Body(newCertificate)], await MetadataCertificatesAsync(id));
        Assert.Single(await KeysAsync(id));
    }

    [Fact]
    public async Task Create_Active_DeactivatesThePreviousKey()
    {
        var id = (await SamlConnectorAsync())["id"]!.GetValue<string>();
        var previous = Assert.Single(await KeysAsync(id))!["id"]!.GetValue<string>();

        var (status, key) = await SendAsync(HttpMethod.Post, $"/api/sso-connectors/{id}/signing-keys", new { active = true });

        Assert.Equal(HttpStatusCode.Created, status);
        var keys = await KeysAsync(id);
        Assert.Equal([key!["id"]!.GetValue<string>()], keys.Where(k => k!["active"]!.GetValue<bool>()).Select(k => k!["id"]!.GetValue<string>()));
        Assert.Contains(previous, keys.Select(k => k!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Delete_TheActiveKey_IsRefused()
    {
        var id = (await SamlConnectorAsync())["id"]!.GetValue<string>();
        var active = Assert.Single(await KeysAsync(id))!["id"]!.GetValue<string>();

        var (status, problem) = await SendAsync(HttpMethod.Delete, $"/api/sso-connectors/{id}/signing-keys/{active}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("single_sign_on.can_not_delete_active_signing_key", problem!["code"]!.GetValue<string>());
        Assert.Single(await KeysAsync(id));
    }

    [Fact]
    public async Task SignedRequest_WithNoActiveKey_IsAnInvalidConfig_NotA500()
    {
        var id = (await SamlConnectorAsync())["id"]!.GetValue<string>();
        var active = Assert.Single(await KeysAsync(id))!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Patch, $"/api/sso-connectors/{id}/signing-keys/{active}", new { active = false })).Status);

        var (status, body) = await _api.PostInternalAsync($"/internal/connectors/{id}/authorization-uri", new { state = "st", redirectUri = "http://127.0.0.1:5999/callback/sso" });

        Assert.Equal(400, status);
        Assert.Equal("connector.invalid_config", body["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task SigningKeys_OfAnOidcConnector_AreNotFound()
    {
        var oidc = await _api.CreateAsync("/api/sso-connectors", new
        {
            providerName = "OIDC", connectorName = "oidc " + Guid.NewGuid().ToString("N")[..10],
            config = new { issuer = "https://idp.oidc.test", clientId = "c", clientSecret = "s" },
        });

        var (status, problem) = await SendAsync(HttpMethod.Get, $"/api/sso-connectors/{oidc["id"]}/signing-keys");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("connector.not_found", problem!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"active\":null}")]
    [InlineData("{\"active\":\"yes\"}")]
    public async Task Patch_WithoutABooleanActive_IsABadRequest(string json)
    {
        var id = (await SamlConnectorAsync())["id"]!.GetValue<string>();
        var key = Assert.Single(await KeysAsync(id))!["id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/sso-connectors/{id}/signing-keys/{key}")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await _api.Management.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await KeysAsync(id))[0]!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Patch_UnknownKey_IsNotFound()
    {
        var id = (await SamlConnectorAsync())["id"]!.GetValue<string>();

        var (status, _) = await SendAsync(HttpMethod.Patch, $"/api/sso-connectors/{id}/signing-keys/nosuchkey", new { active = true });

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
