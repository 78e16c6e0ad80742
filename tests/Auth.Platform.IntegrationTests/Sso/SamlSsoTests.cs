using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Auth.Platform.Testing;
using Microsoft.AspNetCore.WebUtilities;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// SAML 2.0 enterprise SSO (issue 12 pts 4 and 6): our SP (sso-connector, through the gateway) against responses built and
/// signed by npm samlify acting as the IdP (not our code); the attacks of reliability.md X-1..X-16 are mutations of
/// those genuinely signed responses. Every refusal is a 400 with a stable code and no identity reaches the session.
/// </summary>
public sealed class SamlSsoTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string P = "urn:oasis:names:tc:SAML:2.0:protocol";
    private const string A = "urn:oasis:names:tc:SAML:2.0:assertion";
    private const string Ds = "http://www.w3.org/2000/09/xmldsig#";
    private const string RedirectUri = "http://127.0.0.1:5999/callback/sso";

    private SsoApi _api = null!;
    private readonly (string Key, string Certificate) _idpKeys = KeyPair("CN=samlify test IdP");
    private readonly string _idpEntityId = "https://idp.saml.test/" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _domain = "saml-" + Guid.NewGuid().ToString("N")[..8] + ".example";

    public async ValueTask InitializeAsync() => _api = await SsoApi.CreateAsync(fixture.Stack);

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    // ---------- helpers ----------

    private static (string Key, string Certificate) KeyPair(string subject)
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        return (rsa.ExportPkcs8PrivateKeyPem(), certificate.ExportCertificatePem());
    }

    private async Task<(string Id, string SpMetadata)> SamlConnectorAsync(object? extraConfig = null)
    {
        var config = new JsonObject
        {
            ["entityId"] = _idpEntityId,
            ["signInEndpoint"] = "https://idp.saml.test/sso",
            ["x509Certificate"] = _idpKeys.Certificate,
        };
        if (extraConfig is not null)
            foreach (var (k, v) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extraConfig))!.AsObject()) config[k] = v?.DeepClone();
        var created = await _api.CreateAsync("/api/sso-connectors", new
        {
            providerName = "SAML", connectorName = "saml " + Guid.NewGuid().ToString("N")[..10], config,
            domains = new[] { "saml-" + Guid.NewGuid().ToString("N")[..8] + ".example" },
        });
        var id = created["id"]!.GetValue<string>();
        return (id, await _api.Browser.GetStringAsync($"/api/authn/single-sign-on/saml/{id}/metadata", Ct));
    }

    private async Task<(string SessionId, string RequestId, Uri AuthorizationUri)> StartAsync(string connectorId)
    {
        var (status, body) = await _api.PostInternalAsync($"/internal/connectors/{connectorId}/authorization-uri", new { state = "st-1", redirectUri = RedirectUri });
        Assert.True(status == 200, body.ToJsonString());
        var uri = new Uri(body["authorizationUri"]!.GetValue<string>());
        var query = QueryHelpers.ParseQuery(uri.Query);
        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(query["SAMLRequest"].ToString())), CompressionMode.Decompress);
        var request = new XmlDocument();
        request.Load(inflate);
        Assert.Equal(body["connectorSessionId"]!.GetValue<string>(), query["RelayState"].ToString());
        return (body["connectorSessionId"]!.GetValue<string>(), request.DocumentElement!.GetAttribute("ID"), uri);
    }

    /// <summary>samlify, as the IdP, answers the request (or nothing: IdP-initiated) for <paramref name="nameId"/>.</summary>
    private async Task<string> IdpResponseAsync(string spMetadata, string? inResponseTo, string nameId = "alice@corp.test", bool encrypt = false,
        bool signResponse = false, object? overrides = null, (string Key, string Certificate)? keys = null)
    {
        var k = keys ?? _idpKeys;
        var input = new
        {
            spMetadata, entityId = _idpEntityId, ssoUrl = "https://idp.saml.test/sso", privateKey = k.Key, certificate = k.Certificate,
            inResponseTo, nameId, attributes = new Dictionary<string, string> { ["email"] = nameId, ["name"] = "Alice Example" }, encrypt, signResponse, overrides,
        };
        return (await NodeScripts.RunAsync("saml-idp.mjs", System.Text.Json.JsonSerializer.Serialize(input)))["samlResponse"]!.GetValue<string>();
    }

    private async Task<HttpResponseMessage> PostAcsAsync(string connectorId, string samlResponse, string? relayState)
    {
        var form = new Dictionary<string, string> { ["SAMLResponse"] = samlResponse };
        if (relayState is not null) form["RelayState"] = relayState;
        return await _api.Browser.PostAsync($"/api/authn/single-sign-on/saml/{connectorId}", new FormUrlEncodedContent(form), Ct);
    }

    private static XmlDocument Xml(string samlResponse)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(Encoding.UTF8.GetString(Convert.FromBase64String(samlResponse)));
        return document;
    }

    private static string Encode(XmlDocument document) => Convert.ToBase64String(Encoding.UTF8.GetBytes(document.OuterXml));

    private static XmlNamespaceManager Ns(XmlDocument d)
    {
        var ns = new XmlNamespaceManager(d.NameTable);
        ns.AddNamespace("samlp", P);
        ns.AddNamespace("saml", A);
        ns.AddNamespace("ds", Ds);
        return ns;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string reason)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        var problem = JsonNode.Parse(body)!;
        Assert.Equal("connector.invalid_response", problem["code"]!.GetValue<string>());
        Assert.Equal(reason, problem["data"]!["reason"]!.GetValue<string>());
    }

    // ---------- SP-initiated ----------

    [Fact]
    public async Task AuthnRequest_IsAnHttpRedirectRequestForOurAcs()
    {
        var (connectorId, _) = await SamlConnectorAsync();
        var (_, requestId, uri) = await StartAsync(connectorId);

        Assert.StartsWith("https://idp.saml.test/sso?SAMLRequest=", uri.ToString());
        Assert.StartsWith("_", requestId);
        Assert.DoesNotContain("Signature=", uri.Query);
    }

    [Fact]
    public async Task SignedAuthnRequest_VerifiesWithTheSpCertificateFromItsMetadata()
    {
        var (connectorId, metadata) = await SamlConnectorAsync(new { signAuthnRequest = true, signatureAlgorithm = "RSA-SHA512" });
        var (_, _, uri) = await StartAsync(connectorId);

        var raw = uri.Query.TrimStart('?');
        var signed = raw[..raw.IndexOf("&Signature=", StringComparison.Ordinal)];
        var signature = Convert.FromBase64String(Uri.UnescapeDataString(raw[(raw.IndexOf("&Signature=", StringComparison.Ordinal) + 11)..]));
        Assert.Contains("SigAlg=" + Uri.EscapeDataString("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"), signed);
        var md = new XmlDocument();
        md.LoadXml(metadata);
        Assert.Equal("true", ((XmlElement)md.GetElementsByTagName("SPSSODescriptor", "urn:oasis:names:tc:SAML:2.0:metadata")[0]!).GetAttribute("AuthnRequestsSigned"));
        var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(md.GetElementsByTagName("X509Certificate", Ds)[0]!.InnerText));
        Assert.True(certificate.GetRSAPublicKey()!.VerifyData(Encoding.UTF8.GetBytes(signed), signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Acs_WithTheIdpsSignedResponse_RedirectsBack_AndVerifyReturnsTheIdentity()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        var (sessionId, requestId, _) = await StartAsync(connectorId);
        var samlResponse = await IdpResponseAsync(metadata, requestId, "Alice@Corp.test");

        using var acs = await PostAcsAsync(connectorId, samlResponse, sessionId);

        Assert.Equal(HttpStatusCode.Redirect, acs.StatusCode);
        var back = acs.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", back.ToString());
        Assert.Equal("st-1", QueryHelpers.ParseQuery(back.Query)["state"].ToString());
        var (status, identity) = await _api.PostInternalAsync($"/internal/connectors/{connectorId}/verify", new { connectorSessionId = sessionId, connectorData = new { } });
        Assert.True(status == 200, identity.ToJsonString());
        Assert.Equal("sso", identity["kind"]!.GetValue<string>());
        Assert.Equal(_idpEntityId, identity["target"]!.GetValue<string>());
        Assert.Equal("Alice@Corp.test", identity["userInfo"]!["id"]!.GetValue<string>());
        Assert.Equal("Alice@Corp.test", identity["userInfo"]!["email"]!.GetValue<string>());
        Assert.Equal("Alice Example", identity["userInfo"]!["name"]!.GetValue<string>());
        // corp.test is not one of the connector's domains: the IdP is not its authority.
        Assert.False(identity["userInfo"]!["emailVerified"]!.GetValue<bool>());
        // Single use.
        Assert.Equal(400, (await _api.PostInternalAsync($"/internal/connectors/{connectorId}/verify", new { connectorSessionId = sessionId, connectorData = new { } })).Status);
    }

    [Fact]
    public async Task IdpConfiguredByItsMetadataXml_SignsInThroughTheMetadatasEndpointAndCertificate()
    {
        var (connectorId, spMetadata) = await SamlConnectorAsync();
        var idpMetadata = (await NodeScripts.RunAsync("saml-idp.mjs", System.Text.Json.JsonSerializer.Serialize(new
        {
            spMetadata, entityId = _idpEntityId, ssoUrl = "https://metadata-idp.saml.test/sso", privateKey = _idpKeys.Key, certificate = _idpKeys.Certificate, nameId = "x@corp.test",
        })))["idpMetadata"]!.GetValue<string>();
        using (var patch = await _api.Management.PatchAsync($"/api/sso-connectors/{connectorId}", System.Net.Http.Json.JsonContent.Create(new
        {
            config = new { metadata = idpMetadata, entityId = (string?)null, signInEndpoint = (string?)null, x509Certificate = (string?)null },
        }), Ct))
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        var (sessionId, requestId, uri) = await StartAsync(connectorId);
        Assert.StartsWith("https://metadata-idp.saml.test/sso?SAMLRequest=", uri.ToString());
        using var acs = await PostAcsAsync(connectorId, await IdpResponseAsync(spMetadata, requestId), sessionId);

        Assert.True(acs.StatusCode == HttpStatusCode.Redirect, await acs.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Acs_WithASignedResponseAndAnEncryptedAssertion_IsAccepted()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        var (sessionId, requestId, _) = await StartAsync(connectorId);
        var samlResponse = await IdpResponseAsync(metadata, requestId, encrypt: true, signResponse: true);
        Assert.Contains("EncryptedAssertion", Xml(samlResponse).OuterXml);

        using var acs = await PostAcsAsync(connectorId, samlResponse, sessionId);

        Assert.True(acs.StatusCode == HttpStatusCode.Redirect, await acs.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>
    /// The attack matrix, each a mutation of one genuinely signed response, all posted in the same session: a refusal
    /// must leave the session usable, so the untouched response is accepted last (the session was never spent).
    /// </summary>
    [Fact]
    public async Task Acs_RefusesEverySignatureWrappingAndTamperingVariant_ThenAcceptsTheGenuineResponse()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        var (sessionId, requestId, _) = await StartAsync(connectorId);
        var genuine = await IdpResponseAsync(metadata, requestId, "victim@corp.test");
        var responseSigned = await IdpResponseAsync(metadata, requestId, "victim@corp.test", signResponse: true);
        // X-13's attacker owns "victim@corp.test.evil.test" at the IdP and splits the signed value with a comment.
        var attackersOwn = await IdpResponseAsync(metadata, requestId, "victim@corp.test.evil.test");
        var attacker = KeyPair("CN=attacker");

        var variants = new List<(string Name, string Response, string Reason)>
        {
            ("tampered NameID", Mutate(genuine, (d, ns) => NameId(d, ns).InnerText = "attacker@corp.test"), "signature_invalid"),
            ("X-11 signature removed", Mutate(genuine, (d, ns) => Sig(d, ns).ParentNode!.RemoveChild(Sig(d, ns))), "signature_invalid"),
            ("X-11 signature value emptied", Mutate(genuine, (d, ns) => d.SelectSingleNode("//ds:SignatureValue", ns)!.InnerText = ""), "signature_invalid"),
            ("X-10 re-signed with the attacker's key and certificate", Resign(genuine, attacker), "signature_invalid"),
            ("XSW3 evil assertion before the signed one", Mutate(genuine, (d, ns) =>
            {
                var evil = EvilCopy(d, ns);
                Assertion(d, ns).ParentNode!.InsertBefore(evil, Assertion(d, ns));
            }), "assertion_count"),
            ("XSW4 evil assertion wrapping the signed one", Mutate(genuine, (d, ns) =>
            {
                var original = Assertion(d, ns);
                var evil = EvilCopy(d, ns);
                original.ParentNode!.ReplaceChild(evil, original);
                evil.AppendChild(original);
            }), "assertion_count"),
            ("XSW5 signed assertion edited, original appended", Mutate(genuine, (d, ns) =>
            {
                var original = Assertion(d, ns);
                var copy = (XmlElement)original.CloneNode(true);
                copy.RemoveChild(copy.SelectSingleNode("ds:Signature", ns)!);
                NameId(d, ns).InnerText = "attacker@corp.test";
                original.ParentNode!.AppendChild(copy);
            }), "assertion_count"),
            ("XSW6 original nested in the edited one's Signature", Mutate(genuine, (d, ns) =>
            {
                var original = Assertion(d, ns);
                var copy = (XmlElement)original.CloneNode(true);
                NameId(d, ns).InnerText = "attacker@corp.test";
                Sig(d, ns).AppendChild(copy);
            }), "assertion_count"),
            ("XSW7 original in an Extensions element", Mutate(genuine, (d, ns) =>
            {
                var original = Assertion(d, ns);
                var extensions = d.CreateElement("samlp", "Extensions", P);
                extensions.AppendChild(original.CloneNode(true));
                d.DocumentElement!.InsertBefore(extensions, original);
                NameId(d, ns).InnerText = "attacker@corp.test";
            }), "assertion_count"),
            ("XSW8 original in a ds:Object of the edited one's Signature", Mutate(genuine, (d, ns) =>
            {
                var original = Assertion(d, ns);
                var copy = (XmlElement)original.CloneNode(true);
                var obj = d.CreateElement("ds", "Object", Ds);
                obj.AppendChild(copy);
                Sig(d, ns).AppendChild(obj);
                NameId(d, ns).InnerText = "attacker@corp.test";
            }), "assertion_count"),
            ("X-9 duplicate ID elsewhere", Mutate(genuine, (d, ns) =>
            {
                var decoy = d.CreateElement("samlp", "Extensions", P);
                decoy.SetAttribute("ID", Assertion(d, ns).GetAttribute("ID"));
                d.DocumentElement!.InsertBefore(decoy, Assertion(d, ns));
            }), "signature_invalid"),
            ("X-12 second, unsigned assertion", Mutate(genuine, (d, ns) => d.DocumentElement!.AppendChild(EvilCopy(d, ns))), "assertion_count"),
            ("X-13 comment inside the signed NameID", Mutate(attackersOwn, (d, ns) =>
            {
                var nameId = NameId(d, ns);
                nameId.InnerText = "victim@corp.test";
                nameId.AppendChild(d.CreateComment(""));
                nameId.AppendChild(d.CreateTextNode(".evil.test"));
            }), "nameid_not_plain_text"),
            ("XSW1 evil Response, original inside its Signature", Mutate(responseSigned, (d, ns) =>
            {
                var original = (XmlElement)d.DocumentElement!.CloneNode(true);
                var signature = (XmlElement)d.DocumentElement!.SelectSingleNode("ds:Signature", ns)!;
                d.DocumentElement!.SetAttribute("ID", "_evil");
                NameId(d, ns).InnerText = "attacker@corp.test";
                signature.AppendChild(original);
            }), "assertion_count"),
            ("XSW2 evil Response, original before its Signature", Mutate(responseSigned, (d, ns) =>
            {
                var original = (XmlElement)d.DocumentElement!.CloneNode(true);
                var signature = (XmlElement)d.DocumentElement!.SelectSingleNode("ds:Signature", ns)!;
                d.DocumentElement!.SetAttribute("ID", "_evil");
                NameId(d, ns).InnerText = "attacker@corp.test";
                d.DocumentElement!.InsertBefore(original, signature);
            }), "assertion_count"),
            ("X-14 DOCTYPE with an entity", Convert.ToBase64String(Encoding.UTF8.GetBytes(
                "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + Xml(genuine).OuterXml)), "dtd_prohibited"),
            ("not base64", "%%%not-base64%%%", "malformed"),
        };

        foreach (var (name, response, reason) in variants)
        {
            using var refused = await PostAcsAsync(connectorId, response, sessionId);
            var body = await refused.Content.ReadAsStringAsync(Ct);
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)refused.StatusCode} {body}");
            Assert.True(JsonNode.Parse(body)!["data"]?["reason"]?.GetValue<string>() == reason, $"{name}: {body}");
        }
        // Nothing reached the session.
        var waiting = await _api.PostInternalAsync($"/internal/connectors/{connectorId}/verify", new { connectorSessionId = sessionId, connectorData = new { } });
        Assert.Equal("session.connector_session_not_found", waiting.Body["code"]!.GetValue<string>());

        var (again, againRequest, _) = await StartAsync(connectorId);
        using var accepted = await PostAcsAsync(connectorId, await IdpResponseAsync(metadata, againRequest, "victim@corp.test"), again);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
    }

    public static TheoryData<string, string> WrongButSigned => new()
    {
        { """{"Audience":"https://another-sp.example"}""", "audience_mismatch" },
        { """{"SubjectRecipient":"https://another-sp.example/acs"}""", "recipient_mismatch" },
        { """{"Destination":"https://another-sp.example/acs"}""", "destination_mismatch" },
        { """{"ConditionsNotOnOrAfter":"2020-01-01T00:00:00Z","SubjectConfirmationDataNotOnOrAfter":"2020-01-01T00:00:00Z"}""", "expired" },
        { """{"ConditionsNotBefore":"2099-01-01T00:00:00Z"}""", "not_yet_valid" },
        { """{"InResponseTo":"_another-request"}""", "in_response_to_mismatch" },
        { """{"Issuer":"https://another-idp.example"}""", "issuer_mismatch" },
    };

    [Theory]
    [MemberData(nameof(WrongButSigned))]
    public async Task Acs_RefusesAGenuinelySignedResponseThatIsWrong(string overrides, string reason)
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        var (sessionId, requestId, _) = await StartAsync(connectorId);
        var response = await IdpResponseAsync(metadata, requestId, overrides: JsonNode.Parse(overrides), signResponse: reason == "destination_mismatch");

        using var refused = await PostAcsAsync(connectorId, response, sessionId);

        await AssertRefusedAsync(refused, reason);
    }

    [Fact]
    public async Task Acs_WithA5MegabyteResponse_Returns413()
    {
        var (connectorId, _) = await SamlConnectorAsync();
        using var response = await PostAcsAsync(connectorId, new string('A', 5 * 1024 * 1024), "x");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    // ---------- IdP-initiated ----------

    [Fact]
    public async Task Acs_UnsolicitedResponse_WithoutAnIdpInitiatedConfiguration_IsRefused()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        using var refused = await PostAcsAsync(connectorId, await IdpResponseAsync(metadata, inResponseTo: null), relayState: null);
        await AssertRefusedAsync(refused, "unsolicited_response_refused");
    }

    [Fact]
    public async Task Acs_UnsolicitedResponse_WithOptionB_StartsAnAuthorizationRequest_AndAReplayIsRefused()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        using (var put = await _api.Management.PutAsync($"/api/sso-connectors/{connectorId}/idp-initiated-auth-config", System.Net.Http.Json.JsonContent.Create(new
        {
            defaultApplicationId = "demo-app", autoSendAuthorizationRequest = true, redirectUri = "https://app.example/callback",
            authParameters = new { scope = "openid profile email" },
        }), Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var unsolicited = await IdpResponseAsync(metadata, inResponseTo: null);

        using var accepted = await PostAcsAsync(connectorId, unsolicited, relayState: null);

        Assert.True(accepted.StatusCode == HttpStatusCode.Redirect, await accepted.Content.ReadAsStringAsync(Ct));
        var location = accepted.Headers.Location!;
        Assert.Equal(fixture.Stack.GatewayUrl.ToString().TrimEnd('/') + "/oidc/auth", location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("demo-app", query["client_id"].ToString());
        Assert.Equal("https://app.example/callback", query["redirect_uri"].ToString());
        Assert.Equal("sso:" + connectorId, query["direct_sign_in"].ToString());
        Assert.Equal("openid profile email", query["scope"].ToString());
        var cookie = accepted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("_sso_idp_initiated_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        var pending = cookie.Split(';')[0].Split('=')[1];
        var (status, identity) = await _api.PostInternalAsync($"/internal/connectors/{connectorId}/verify", new { connectorSessionId = pending, connectorData = new { } });
        Assert.True(status == 200, identity.ToJsonString());
        Assert.Equal("alice@corp.test", identity["userInfo"]!["id"]!.GetValue<string>());

        using var replayed = await PostAcsAsync(connectorId, unsolicited, relayState: null);
        await AssertRefusedAsync(replayed, "assertion_replayed");
    }

    [Fact]
    public async Task Acs_UnsolicitedResponse_WithOptionA_GoesToTheClientsCallback()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        using (var put = await _api.Management.PutAsync($"/api/sso-connectors/{connectorId}/idp-initiated-auth-config", System.Net.Http.Json.JsonContent.Create(new
        {
            defaultApplicationId = "demo-app", clientIdpInitiatedAuthCallbackUri = "https://app.example/sso-callback",
        }), Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using var accepted = await PostAcsAsync(connectorId, await IdpResponseAsync(metadata, inResponseTo: null), relayState: null);

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal($"https://app.example/sso-callback?ssoConnectorId={connectorId}", accepted.Headers.Location!.ToString());
    }

    /// <summary>
    /// Option B end to end (issue 12 pt 6): samlify's unsolicited response at the ACS → the platform's own <c>/oidc/auth</c>
    /// (cookie jar) → the Experience's SSO verification finds the waiting assertion (no AuthnRequest) → JIT user → submit →
    /// code redeemed at <c>/oidc/token</c> by the default (Traditional) application. The waiting assertion serves once.
    /// </summary>
    [Fact]
    public async Task IdpInitiated_OptionB_SignsTheUserInThroughTheAuthorizationRequest_WithoutAnotherIdpRoundTrip_AndOnlyOnce()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        using var browser = new Signin.SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
        var app = await browser.CreateApplicationAsync("Traditional", AppCallback);
        var (clientId, secret) = (app.GetProperty("id").GetString()!, app.GetProperty("secret").GetString()!);
        await PutIdpInitiatedConfigAsync(connectorId, new
        {
            defaultApplicationId = clientId, autoSendAuthorizationRequest = true, redirectUri = AppCallback, authParameters = new { scope = "openid profile identities" },
        });
        var nameId = "idp-init-" + Guid.NewGuid().ToString("N")[..10] + "@corp.test";

        using var acs = await PostAcsAsync(browser, connectorId, await IdpResponseAsync(metadata, inResponseTo: null, nameId));
        Assert.True(acs.StatusCode == HttpStatusCode.Redirect, await acs.Content.ReadAsStringAsync(Ct));
        using (await browser.GetAsync(acs.Headers.Location!.ToString())) { }
        var verificationId = await VerifyWaitingAssertionAsync(browser, connectorId);
        using (var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }))
            Assert.True(identified.StatusCode == HttpStatusCode.NoContent, await identified.Content.ReadAsStringAsync(Ct));
        var code = await browser.SubmitAndFollowAsync(AppCallback);
        var tokens = await browser.TokenAsync(("grant_type", "authorization_code"), ("client_id", clientId), ("client_secret", secret),
            ("code", code), ("redirect_uri", AppCallback));

        var userId = Signin.SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        var sso = Assert.Single((await ReadUserAsync(fixture.Stack, userId)).GetProperty("ssoIdentities").EnumerateArray());
        Assert.Equal(_idpEntityId, sso.GetProperty("issuer").GetString());
        Assert.Equal(nameId, sso.GetProperty("identityId").GetString());
        // The identities scope's claims at userinfo (Logto's shape).
        using (var userinfo = new HttpRequestMessage(HttpMethod.Get, "/oidc/me"))
        {
            userinfo.Headers.Authorization = new("Bearer", tokens.GetProperty("access_token").GetString());
            using var answer = await browser.Http.SendAsync(userinfo, Ct);
            var claims = await ReadJsonAsync(answer);
            Assert.True(answer.IsSuccessStatusCode, claims.ToString());
            var claim = Assert.Single(claims.GetProperty("sso_identities").EnumerateArray());
            Assert.Equal(nameId, claim.GetProperty("identityId").GetString());
            Assert.Equal(_idpEntityId, claim.GetProperty("issuer").GetString());
        }

        // Once: the next interaction of the same browser goes to the IdP again.
        using (await browser.GetAsync(Signin.SigninClient.AuthorizePath(clientId, AppCallback, null, "openid", "&prompt=login"))) { }
        var (again, _) = await AuthorizationUriAsync(browser, connectorId);
        Assert.StartsWith("https://idp.saml.test/sso?SAMLRequest=", again);
    }

    /// <summary>Option A: the application's callback gets the connector id and starts a normal authorization request with
    /// <c>direct_sign_in=sso:{id}</c>; the interaction it starts signs the user in with the waiting assertion.</summary>
    [Fact]
    public async Task IdpInitiated_OptionA_TheApplicationsOwnAuthorizationRequest_SignsTheUserInWithTheWaitingAssertion()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        using var browser = new Signin.SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
        var app = await browser.CreateApplicationAsync("SPA", AppCallback);
        var clientId = app.GetProperty("id").GetString()!;
        await PutIdpInitiatedConfigAsync(connectorId, new { defaultApplicationId = clientId, clientIdpInitiatedAuthCallbackUri = "https://app.example/sso-callback" });
        var nameId = "idp-init-a-" + Guid.NewGuid().ToString("N")[..10] + "@corp.test";

        using var acs = await PostAcsAsync(browser, connectorId, await IdpResponseAsync(metadata, inResponseTo: null, nameId));
        Assert.Equal(HttpStatusCode.Redirect, acs.StatusCode);
        // The application's callback: it reads the connector id and signs in with it as the hint.
        var hinted = QueryHelpers.ParseQuery(acs.Headers.Location!.Query)["ssoConnectorId"].ToString();
        Assert.Equal(connectorId, hinted);
        var (verifier, challenge) = Signin.SigninClient.NewPkce();
        using (await browser.GetAsync(Signin.SigninClient.AuthorizePath(clientId, AppCallback, challenge, "openid", $"&prompt=login&direct_sign_in=sso%3A{hinted}"))) { }
        var verificationId = await VerifyWaitingAssertionAsync(browser, connectorId);
        using (var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }))
            Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
        var tokens = await browser.RedeemAsync(clientId, await browser.SubmitAndFollowAsync(AppCallback), AppCallback, verifier);

        var userId = Signin.SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        Assert.Equal(nameId, Assert.Single((await ReadUserAsync(fixture.Stack, userId)).GetProperty("ssoIdentities").EnumerateArray())
            .GetProperty("identityId").GetString());
    }

    private const string AppCallback = "http://127.0.0.1:5998/app/callback";

    private async Task PutIdpInitiatedConfigAsync(string connectorId, object config)
    {
        using var put = await _api.Management.PutAsync($"/api/sso-connectors/{connectorId}/idp-initiated-auth-config", System.Net.Http.Json.JsonContent.Create(config), Ct);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>The IdP's POST through the user's browser (its cookie jar keeps <c>_sso_idp_initiated_session</c>).</summary>
    private static Task<HttpResponseMessage> PostAcsAsync(Signin.SigninClient browser, string connectorId, string samlResponse) =>
        browser.Http.PostAsync($"/api/authn/single-sign-on/saml/{connectorId}", new FormUrlEncodedContent(new Dictionary<string, string> { ["SAMLResponse"] = samlResponse }), Ct);

    private static async Task<(string AuthorizationUri, string VerificationId)> AuthorizationUriAsync(Signin.SigninClient browser, string connectorId)
    {
        using var start = await browser.ExperienceAsync(HttpMethod.Post, $"/verification/sso/{connectorId}/authorization-uri",
            new { state = "ui-state", redirectUri = $"{browser.PublicUrl}/callback/{connectorId}" });
        var body = await ReadJsonAsync(start);
        Assert.True(start.IsSuccessStatusCode, body.ToString());
        return (body.GetProperty("authorizationUri").GetString()!, body.GetProperty("verificationId").GetString()!);
    }

    /// <summary>What the hosted UI does on <c>direct_sign_in=sso:{id}</c>: the authorization URI is its own callback (no IdP), then verify.</summary>
    private static async Task<string> VerifyWaitingAssertionAsync(Signin.SigninClient browser, string connectorId)
    {
        var (uri, verificationId) = await AuthorizationUriAsync(browser, connectorId);
        Assert.StartsWith($"{browser.PublicUrl}/callback/{connectorId}?", uri);
        var callback = QueryHelpers.ParseQuery(new Uri(uri).Query);
        Assert.Equal("ui-state", callback["state"].ToString());
        using var verify = await browser.ExperienceAsync(HttpMethod.Post, $"/verification/sso/{connectorId}/verify", new { connectorData = new { }, verificationId });
        Assert.True(verify.IsSuccessStatusCode, await verify.Content.ReadAsStringAsync(Ct));
        return verificationId;
    }

    [Fact]
    public async Task Acs_UnsolicitedResponse_CarryingAnInResponseTo_IsRefused()
    {
        var (connectorId, metadata) = await SamlConnectorAsync();
        using (var put = await _api.Management.PutAsync($"/api/sso-connectors/{connectorId}/idp-initiated-auth-config", System.Net.Http.Json.JsonContent.Create(new
        {
            defaultApplicationId = "demo-app", clientIdpInitiatedAuthCallbackUri = "https://app.example/sso-callback",
        }), Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using var refused = await PostAcsAsync(connectorId, await IdpResponseAsync(metadata, inResponseTo: "_a-request-we-never-sent"), relayState: null);

        await AssertRefusedAsync(refused, "in_response_to_mismatch");
    }

    // ---------- mutation helpers ----------

    private static string Mutate(string samlResponse, Action<XmlDocument, XmlNamespaceManager> change)
    {
        var document = Xml(samlResponse);
        change(document, Ns(document));
        return Encode(document);
    }

    private static XmlElement Assertion(XmlDocument d, XmlNamespaceManager ns) => (XmlElement)d.SelectSingleNode("/samlp:Response/saml:Assertion", ns)!;
    private static XmlElement NameId(XmlDocument d, XmlNamespaceManager ns) => (XmlElement)d.SelectSingleNode("/samlp:Response/saml:Assertion/saml:Subject/saml:NameID", ns)!;
    private static XmlElement Sig(XmlDocument d, XmlNamespaceManager ns) => (XmlElement)d.SelectSingleNode("/samlp:Response/saml:Assertion/ds:Signature", ns)!;

    private static XmlElement EvilCopy(XmlDocument d, XmlNamespaceManager ns)
    {
        var evil = (XmlElement)Assertion(d, ns).CloneNode(true);
        evil.SetAttribute("ID", "_evil" + Guid.NewGuid().ToString("N"));
        if (evil.SelectSingleNode("ds:Signature", ns) is { } s) evil.RemoveChild(s);
        ((XmlElement)evil.SelectSingleNode("saml:Subject/saml:NameID", ns)!).InnerText = "attacker@corp.test";
        return evil;
    }

    /// <summary>X-10: the assertion re-signed by an attacker who puts their own certificate in KeyInfo.</summary>
    private static string Resign(string samlResponse, (string Key, string Certificate) attacker)
    {
        var d = Xml(samlResponse);
        var ns = Ns(d);
        var assertion = Assertion(d, ns);
        assertion.RemoveChild(Sig(d, ns));
        ((XmlElement)assertion.SelectSingleNode("saml:Subject/saml:NameID", ns)!).InnerText = "attacker@corp.test";
        using var rsa = RSA.Create();
        rsa.ImportFromPem(attacker.Key);
        var signed = new SignedXml(assertion) { SigningKey = rsa };
        signed.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signed.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("#" + assertion.GetAttribute("ID")) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(X509Certificate2.CreateFromPem(attacker.Certificate)));
        signed.KeyInfo = keyInfo;
        signed.ComputeSignature();
        assertion.InsertAfter(d.ImportNode(signed.GetXml(), true), assertion.SelectSingleNode("saml:Issuer", ns));
        return Encode(d);
    }
}
