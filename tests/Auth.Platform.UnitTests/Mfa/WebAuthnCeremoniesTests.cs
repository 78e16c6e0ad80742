using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Mfa.WebAuthn;
using static Auth.Platform.UnitTests.Mfa.TestAuthenticator;
using static Auth.Platform.UnitTests.Mfa.WebAuthnCeremonyRunner;

namespace Auth.Platform.UnitTests.Mfa;

/// <summary>WebAuthn §7.1/§7.2 steps (W-R*, W-A*) through Fido2 against responses built with real keys, each tampered one refused with its reason.</summary>
public sealed class WebAuthnCeremoniesTests
{
    private static readonly RelyingParty Rp = new(RpId, "Tests", [Origin], RequireUserVerification: true);
    private static readonly WebAuthnCeremonies Ceremonies = new(Rp);
    private static readonly byte[] UserHandle = Encoding.UTF8.GetBytes("user12345678");
    private readonly byte[] _challenge = RandomNumberGenerator.GetBytes(32);

    
    [Theory]
    [InlineData(-7, "none", false)]
    [InlineData(-257, "none", false)]
    [InlineData(-7, "packed", false)]
    [InlineData(-257, "packed", false)]
    [InlineData(-7, "packed", true)]
    [InlineData(-7, "fido-u2f", true)]
    public async Task Registration_WithAValidResponse_ReturnsTheCredential(int algorithm, string format, bool x5c)
    {
        using var authenticator = new TestAuthenticator(algorithm);
        var result = await Ceremonies.RegisterAsync(authenticator.Register(_challenge, new() { Format = format, X5c = x5c }), _challenge);
        Xunit.Assert.Equal(authenticator.CredentialId, result.CredentialId);
        Xunit.Assert.Equal(algorithm, result.Algorithm);
        Xunit.Assert.Equal(format == "fido-u2f" ? Guid.Empty : authenticator.Aaguid, result.Aaguid);
        Xunit.Assert.Equal(format, result.AttestationFormat);
        Xunit.Assert.True(result.UserVerified);
        Xunit.Assert.Equal(["internal"], result.Transports);
    }

    public static TheoryData<string, RegistrationOptions> TamperedRegistrations => new()
    {
        { WebAuthnReasons.TypeMismatch, new() { Type = "webauthn.get" } },
        { WebAuthnReasons.OriginMismatch, new() { Origin = "https://evil.example.com" } },
        { WebAuthnReasons.OriginMismatch, new() { Origin = "https://login.example.com.evil.com" } },
        { WebAuthnReasons.OriginMismatch, new() { Origin = "http://login.example.com" } },
        { WebAuthnReasons.CrossOrigin, new() { CrossOrigin = true } },
        { WebAuthnReasons.RpIdHashMismatch, new() { RpId = "example.com" } },
        { WebAuthnReasons.UserNotPresent, new() { Flags = 0x04 } },
        { WebAuthnReasons.UserNotVerified, new() { Flags = 0x01 } },
        { WebAuthnReasons.Malformed, new() { Flags = 0x15 } }, // BS without BE
        { WebAuthnReasons.UnsupportedAlgorithm, new() { CoseAlgorithm = -35 } }, // ES384 label on a P-256 key: not offered
        { WebAuthnReasons.UnsupportedAlgorithm, new() { CoseAlgorithm = -8 } },
        // Every format Fido2 implements is checked by its own rules: a statement without them is invalid, not ignored.
        { WebAuthnReasons.AttestationInvalid, new() { Format = "tpm" } },
        { WebAuthnReasons.AttestationInvalid, new() { Format = "fido-u2f" } },
        { WebAuthnReasons.AttestationInvalid, new() { Format = "fido-u2f", X5c = true, TamperAttestationSignature = true } },
        { WebAuthnReasons.AttestationInvalid, new() { Format = "android-key" } },
        { WebAuthnReasons.AttestationInvalid, new() { Format = "apple" } },
        { WebAuthnReasons.UnsupportedAttestation, new() { Format = "x-vendor" } },
        { WebAuthnReasons.UnsupportedAttestation, new() { Format = "Packed" } }, // W-R15: case-sensitive
        // Fido2 reports a bad attestation signature as an invalid statement (one code for every packed failure).
        { WebAuthnReasons.AttestationInvalid, new() { Format = "packed", TamperAttestationSignature = true } },
        { WebAuthnReasons.AttestationInvalid, new() { Format = "packed", X5c = true, TamperAttestationSignature = true } },
        { WebAuthnReasons.AttestationInvalid, new() { Format = "packed", X5c = true, CertificateSubject = "CN=Test, OU=Something Else, O=Tests, C=FR" } },
        { WebAuthnReasons.Malformed, new() { TrailingAuthData = [0x00] } },
    };

    [Theory]
    [MemberData(nameof(TamperedRegistrations))]
    public async Task Registration_Tampered_IsRefusedWithItsReason(string reason, RegistrationOptions options)
    {
        using var authenticator = new TestAuthenticator();
        Xunit.Assert.Equal(reason, await RefusalAsync(() => Ceremonies.RegisterAsync(authenticator.Register(_challenge, options), _challenge)));
    }

    [Fact]
    public async Task Registration_ForAnotherChallenge_IsChallengeMismatch()
    {
        using var authenticator = new TestAuthenticator();
        var response = authenticator.Register(RandomNumberGenerator.GetBytes(32));
        Xunit.Assert.Equal(WebAuthnReasons.ChallengeMismatch, await RefusalAsync(() => Ceremonies.RegisterAsync(response, _challenge)));
    }

    [Fact]
    public async Task Registration_OfACredentialIdAlreadyRegistered_IsCredentialAlreadyRegistered()
    {
        using var authenticator = new TestAuthenticator();
        var options = Ceremonies.RegistrationOptions("user", "user", "User", []);
        options.Challenge = _challenge;
        Xunit.Assert.Equal(WebAuthnReasons.CredentialAlreadyRegistered, await RefusalAsync(() => Ceremonies.VerifyRegistrationAsync(
            authenticator.Register(_challenge), options, (_, _) => Task.FromResult(false), CancellationToken.None)));
    }

    [Fact]
    public void RegistrationOptions_AreTheW3CJsonForm_WithOurPolicy()
    {
        var options = System.Text.Json.Nodes.JsonNode.Parse(Ceremonies.RegistrationOptions("user-1", "alice", "Alice",
            [new KnownCredential([1, 2, 3], "internal,hybrid")]).ToJson())!;
        Xunit.Assert.Equal(RpId, options["rp"]!["id"]!.GetValue<string>());
        Xunit.Assert.Equal("dXNlci0x", options["user"]!["id"]!.GetValue<string>()); // base64url("user-1"): the user handle is the user id
        Xunit.Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(options["challenge"]!.GetValue<string>()).Length);
        Xunit.Assert.Equal([-7, -257], options["pubKeyCredParams"]!.AsArray().Select(p => p!["alg"]!.GetValue<int>()));
        Xunit.Assert.Equal("none", options["attestation"]!.GetValue<string>());
        Xunit.Assert.Equal("required", options["authenticatorSelection"]!["residentKey"]!.GetValue<string>());
        Xunit.Assert.Equal("required", options["authenticatorSelection"]!["userVerification"]!.GetValue<string>());
        Xunit.Assert.Equal("AQID", options["excludeCredentials"]![0]!["id"]!.GetValue<string>());
        Xunit.Assert.Equal(["internal", "hybrid"], options["excludeCredentials"]![0]!["transports"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task Registration_FromARelatedOrigin_IsAcceptedWhenConfigured()
    {
        using var authenticator = new TestAuthenticator();
        var related = new WebAuthnCeremonies(Rp with { Origins = [Origin, "https://app.example.com"] });
        await related.RegisterAsync(authenticator.Register(_challenge, new() { Origin = "https://app.example.com" }), _challenge);
    }

    [Fact]
    public async Task Registration_WithoutUserVerification_IsAcceptedWhenOnlyPreferred()
    {
        using var authenticator = new TestAuthenticator();
        var preferred = new WebAuthnCeremonies(Rp with { RequireUserVerification = false });
        var result = await preferred.RegisterAsync(authenticator.Register(_challenge, new() { Flags = 0x01 }), _challenge);
        Xunit.Assert.False(result.UserVerified);
    }

    public static TheoryData<string, string> MalformedRegistrations => new()
    {
        { "missing response", """{"id":"AAAA","rawId":"AAAA","type":"public-key"}""" },
        { "wrong type", """{"id":"AAAA","rawId":"AAAA","type":"password","response":{}}""" },
        { "not base64url", """{"id":"@@@","rawId":"@@@","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}""" },
        { "id differs from rawId", """{"id":"AAAA","rawId":"AAAB","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}""" },
        { "clientData not JSON", """{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"AAAA","attestationObject":"oA"}}""" },
        { "array payload", """[1,2,3]""" },
    };

    [Theory]
    [MemberData(nameof(MalformedRegistrations))]
    public async Task Registration_MalformedJson_IsMalformed(string _, string json)
    {
        var payload = JsonSerializer.Deserialize<JsonElement>(json);
        Xunit.Assert.Equal(WebAuthnReasons.Malformed, await RefusalAsync(() => Ceremonies.RegisterAsync(payload, _challenge)));
    }

    [Theory]
    [InlineData("")]          // empty
    [InlineData("ff")]        // CBOR break outside an indefinite item
    [InlineData("a1")]        // map with a missing entry
    [InlineData("a263666d74")] // truncated text
    [InlineData("a363666d74646e6f6e656761747453746d74a068617574684461746141")] // authData of one byte
    [InlineData("a363666d74646e6f6e656761747453746d74a068617574684461746140" + "00")] // trailing byte after the map
    public async Task Registration_MalformedAttestationObject_IsMalformed(string hex)
    {
        using var authenticator = new TestAuthenticator();
        var json = JsonNode.Parse(authenticator.Register(_challenge).GetRawText())!;
        json["response"]!["attestationObject"] = System.Buffers.Text.Base64Url.EncodeToString(Convert.FromHexString(hex));
        var payload = JsonSerializer.Deserialize<JsonElement>(json.ToJsonString());
        Xunit.Assert.Equal(WebAuthnReasons.Malformed, await RefusalAsync(() => Ceremonies.RegisterAsync(payload, _challenge)));
    }

    [Fact]
    public async Task Registration_WithAKeyOffTheCurve_IsRefused()
    {
        using var authenticator = new TestAuthenticator();
        // A COSE key whose x coordinate is 31 bytes cannot be a P-256 point.
        var json = JsonNode.Parse(authenticator.Register(_challenge).GetRawText())!;
        var attestation = System.Buffers.Text.Base64Url.DecodeFromChars(json["response"]!["attestationObject"]!.GetValue<string>());
        var cose = authenticator.CoseKey();
        var index = attestation.AsSpan().IndexOf(cose);
        Xunit.Assert.True(index > 0);
        var broken = attestation.ToArray();
        broken[index + cose.Length - 1] ^= 0xff; // flip a byte of y: off the curve
        json["response"]!["attestationObject"] = System.Buffers.Text.Base64Url.EncodeToString(broken);
        var payload = JsonSerializer.Deserialize<JsonElement>(json.ToJsonString());
        // Even with a none attestation (nothing signed), Fido2 imports the key at registration: a point off the curve is
        // refused there instead of being stored and failing at its first use.
        Xunit.Assert.Equal(WebAuthnReasons.Malformed, await RefusalAsync(() => Ceremonies.RegisterAsync(payload, _challenge)));
    }

    private static async Task<StoredCredential> RegisterAsync(TestAuthenticator authenticator)
    {
        var challenge = RandomNumberGenerator.GetBytes(32);
        var registered = await Ceremonies.RegisterAsync(authenticator.Register(challenge), challenge);
        return new StoredCredential(registered.CredentialId, registered.CosePublicKey, registered.SignCount, registered.BackupEligible, UserHandle);
    }

    [Theory]
    [InlineData(-7)]
    [InlineData(-257)]
    public async Task Authentication_WithAValidAssertion_ReturnsTheNewCounter(int algorithm)
    {
        using var authenticator = new TestAuthenticator(algorithm);
        var stored = await RegisterAsync(authenticator);
        var result = await Ceremonies.AuthenticateAsync(authenticator.Assert(_challenge, new() { UserHandle = UserHandle }), _challenge, stored, discoverable: true);
        Xunit.Assert.Equal(1u, result.SignCount);
        Xunit.Assert.True(result.UserVerified);
    }

    public static TheoryData<string, AssertionOptions> TamperedAssertions => new()
    {
        { WebAuthnReasons.TypeMismatch, new() { Type = "webauthn.create" } },
        { WebAuthnReasons.OriginMismatch, new() { Origin = "https://evil.example.com" } },
        { WebAuthnReasons.RpIdHashMismatch, new() { RpId = "evil.example.com" } },
        { WebAuthnReasons.UserNotPresent, new() { Flags = 0x04 } },
        { WebAuthnReasons.UserNotVerified, new() { Flags = 0x01 } },
        { WebAuthnReasons.BackupEligibilityChanged, new() { Flags = 0x0d } },
        { WebAuthnReasons.BadSignature, new() { TamperSignature = true } },
        { WebAuthnReasons.BadSignature, new() { P1363Signature = true } },
        { WebAuthnReasons.UserHandleMismatch, new() { UserHandle = Encoding.UTF8.GetBytes("someone-else") } },
    };

    [Theory]
    [MemberData(nameof(TamperedAssertions))]
    public async Task Authentication_Tampered_IsRefusedWithItsReason(string reason, AssertionOptions options)
    {
        using var authenticator = new TestAuthenticator();
        var stored = await RegisterAsync(authenticator);
        Xunit.Assert.Equal(reason, await RefusalAsync(() => Ceremonies.AuthenticateAsync(authenticator.Assert(_challenge, options), _challenge, stored, discoverable: false)));
    }

    [Fact]
    public async Task Authentication_ForAnotherChallenge_IsChallengeMismatch()
    {
        using var authenticator = new TestAuthenticator();
        var stored = await RegisterAsync(authenticator);
        var response = authenticator.Assert(RandomNumberGenerator.GetBytes(32));
        Xunit.Assert.Equal(WebAuthnReasons.ChallengeMismatch, await RefusalAsync(() => Ceremonies.AuthenticateAsync(response, _challenge, stored, false)));
    }

    [Fact]
    public async Task Authentication_Discoverable_WithoutUserHandle_IsRefused()
    {
        using var authenticator = new TestAuthenticator();
        var stored = await RegisterAsync(authenticator);
        Xunit.Assert.Equal(WebAuthnReasons.UserHandleMissing, await RefusalAsync(() => Ceremonies.AuthenticateAsync(authenticator.Assert(_challenge), _challenge, stored, true)));
    }

    [Theory]
    [InlineData(5u, 5u)]
    [InlineData(5u, 3u)]
    [InlineData(5u, 0u)] // a counter that stops counting: Fido2 alone would let it pass
    public async Task Authentication_WithACounterNotAboveTheStoredOne_IsCounterDecreased(uint stored, uint presented)
    {
        using var authenticator = new TestAuthenticator();
        var credential = await RegisterAsync(authenticator) with { SignCount = stored };
        authenticator.Counter = presented - 1; // Assert() increments first
        Xunit.Assert.Equal(WebAuthnReasons.CounterDecreased,
            await RefusalAsync(() => Ceremonies.AuthenticateAsync(authenticator.Assert(_challenge), _challenge, credential, false)));
    }

    [Fact]
    public async Task Authentication_WithCountersAlwaysZero_IsAccepted()
    {
        // Authenticators without a counter (most passkeys) report 0 every time: that is not a clone signal.
        using var authenticator = new TestAuthenticator();
        var stored = await RegisterAsync(authenticator);
        authenticator.Counter = uint.MaxValue; // wraps to 0 on Assert()
        Xunit.Assert.Equal(0u, (await Ceremonies.AuthenticateAsync(authenticator.Assert(_challenge), _challenge, stored, false)).SignCount);
    }

    [Fact]
    public async Task Authentication_ForAnotherCredential_IsUnknownCredential()
    {
        using var authenticator = new TestAuthenticator();
        using var other = new TestAuthenticator();
        var stored = await RegisterAsync(authenticator);
        Xunit.Assert.Equal(WebAuthnReasons.UnknownCredential,
            await RefusalAsync(() => Ceremonies.AuthenticateAsync(other.Assert(_challenge), _challenge, stored, false)));
    }
}
