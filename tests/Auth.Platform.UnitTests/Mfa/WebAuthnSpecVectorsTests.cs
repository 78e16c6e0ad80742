using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Mfa.WebAuthn;

namespace Auth.Platform.UnitTests.Mfa;

/// <summary>
/// The W3C WebAuthn Level 3 §16 test vectors (RP ID <c>example.org</c>, origin <c>https://example.org</c>), hex as
/// published in the specification (examples 16.2 none.ES256, 16.3 packed-self.ES256, 16.4 none.ES256.crossOrigin).
/// The vectors leave UV unset, so the relying party here does not require it.
/// </summary>
public sealed class WebAuthnSpecVectorsTests
{
    private static readonly RelyingParty Rp = new("example.org", "Example", ["https://example.org"], RequireUserVerification: false);
    private static readonly WebAuthnCeremonies Ceremonies = new(Rp);

    private static JsonElement Registration(string credentialIdHex, string clientDataHex, string attestationHex) => Credential(credentialIdHex, new JsonObject
    {
        ["clientDataJSON"] = B64(clientDataHex),
        ["attestationObject"] = B64(attestationHex),
    });

    private static JsonElement Assertion(string credentialIdHex, string authDataHex, string clientDataHex, string signatureHex) => Credential(credentialIdHex, new JsonObject
    {
        ["clientDataJSON"] = B64(clientDataHex),
        ["authenticatorData"] = B64(authDataHex),
        ["signature"] = B64(signatureHex),
    });

    private static JsonElement Credential(string credentialIdHex, JsonObject response)
    {
        var id = B64(credentialIdHex);
        return JsonSerializer.Deserialize<JsonElement>(new JsonObject { ["id"] = id, ["rawId"] = id, ["type"] = "public-key", ["response"] = response }.ToJsonString());
    }

    private static string B64(string hex) => Base64Url.EncodeToString(Convert.FromHexString(hex));

    // 16.2 none.ES256
    private const string NoneCredentialId = "f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4";
    private const string NoneRegistrationChallenge = "00c30fb78531c464d2b6771dab8d7b603c01162f2fa486bea70f283ae556e130";
    private const string NoneRegistrationClientData = "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a22414d4d507434557878475453746e63647134313759447742466938767049612d7077386f4f755657345441222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a20426b5165446a646354427258426941774a544c453551227d";
    private const string NoneAttestation = "a363666d74646e6f6e656761747453746d74a068617574684461746158a4bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b559000000008446ccb9ab1db374750b2367ff6f3a1f0020f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4a5010203262001215820afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61225820930a56b87a2fca66334b03458abf879717c12cc68ed73290af2e2664796b9220";
    private const string NoneAuthenticationChallenge = "39c0e7521417ba54d43e8dc95174f423dee9bf3cd804ff6d65c857c9abf4d408";
    private const string NoneAuthData = "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b51900000000";
    private const string NoneAuthenticationClientData = "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a224f63446e55685158756c5455506f334a5558543049393770767a7a59425039745a63685879617630314167222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73657d";
    private const string NoneSignature = "3046022100f50a4e2e4409249c4a853ba361282f09841df4dd4547a13a87780218deffcd380221008480ac0f0b93538174f575bf11a1dd5d78c6e486013f937295ea13653e331e87";

    // 16.3 packed-self.ES256
    private const string PackedCredentialId = "455ef34e2043a87db3d4afeb39bbcb6cc32df9347c789a865ecdca129cbef58c";
    private const string PackedRegistrationChallenge = "7869c2b772d4b58eba9378cf8f29e26cf935aa77df0da89fa99c0bdc0a76f7e5";
    private const string PackedRegistrationClientData = "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a2265476e4374334c55745936366b336a506a796e6962506b31716e666644616966715a774c33417032392d55222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a205539685458764b453255526b4d6e625f307859485667227d";
    private const string PackedAttestation = "a363666d74667061636b65646761747453746d74a263616c672663736967584630440220067a20754ab925005dbf378097c92120031581c73228d1fb4f5b881bcd7da98302207fc7b147558c7c0eba3af18bd9d121fa3d3a26d17fe3f220272178f473b6006d68617574684461746158a4bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b55d00000000df850e09db6afbdfab51697791506cfc0020455ef34e2043a87db3d4afeb39bbcb6cc32df9347c789a865ecdca129cbef58ca5010203262001215820eb151c8176b225cc651559fecf07af450fd85802046656b34c18f6cf193843c5225820927b8aa427a2be1b8834d233a2d34f61f13bfd44119c325d5896e183fee484f2";
    private const string PackedAuthenticationChallenge = "4478a10b1352348dd160c1353b0d469b5db19eb91c27f7dfa6fed39fe26af20b";
    private const string PackedAuthData = "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b50900000000";
    private const string PackedAuthenticationClientData = "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a225248696843784e534e493352594d45314f7731476d3132786e726b634a5f6666707637546e2d4a71386773222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a206754623533727a36456853576f6d58477a696d433151227d";
    private const string PackedSignature = "304402203310b9431903c401f1be2bdc8d23a4007682dbbddcf846994947b7f465daf84002204e94dd00047b316061b3b99772b7efd95994a83ef584b3b6b825ea3550251b66";

    // 16.4 none.ES256.crossOrigin
    private const string CrossOriginCredentialId = "6e1050c0d2ca2f07c755cb2c66a74c64fa43065c18f938354d9915db2bd5ce57";
    private const string CrossOriginChallenge = "3be5aacd03537142472340ab5969f240f1d87716e20b6807ac230655fa4b3b49";
    private const string CrossOriginClientData = "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a224f2d57717a514e5463554a484930437257576e7951504859647862694332674872434d475666704c4f306b222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a747275652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a207a5a7175457444523944577170573574425754467567227d";
    private const string CrossOriginAttestation = "a363666d74646e6f6e656761747453746d74a068617574684461746158a4bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b54500000000883f4f6014f19c09d87aa38123be48d000206e1050c0d2ca2f07c755cb2c66a74c64fa43065c18f938354d9915db2bd5ce57a501020326200121582022200a473f90b11078851550d03b4e44a2279f8c4eca27b3153dedfe03e4e97d225820cbd0be95e746ad6f5a8191be11756e4c0420e72f65b466d39bc56b8b123a9c6e";

    [Theory]
    [InlineData(NoneCredentialId, NoneRegistrationChallenge, NoneRegistrationClientData, NoneAttestation, NoneAuthenticationChallenge, NoneAuthData, NoneAuthenticationClientData, NoneSignature, "none", "8446ccb9-ab1d-b374-750b-2367ff6f3a1f")]
    [InlineData(PackedCredentialId, PackedRegistrationChallenge, PackedRegistrationClientData, PackedAttestation, PackedAuthenticationChallenge, PackedAuthData, PackedAuthenticationClientData, PackedSignature, "packed", "df850e09-db6a-fbdf-ab51-697791506cfc")]
    public async Task SpecVector_RegistersThenAuthenticates(string credentialId, string registrationChallenge, string registrationClientData, string attestation,
        string authenticationChallenge, string authData, string authenticationClientData, string signature, string format, string aaguid)
    {
        var registered = await Ceremonies.RegisterAsync(Registration(credentialId, registrationClientData, attestation), Convert.FromHexString(registrationChallenge));
        Assert.Equal(format, registered.AttestationFormat);
        Assert.Equal(Guid.Parse(aaguid), registered.Aaguid);
        Assert.Equal(-7, registered.Algorithm); // ES256
        Assert.Equal(Convert.FromHexString(credentialId), registered.CredentialId);

        var stored = new StoredCredential(registered.CredentialId, registered.CosePublicKey, registered.SignCount, registered.BackupEligible, "user"u8.ToArray());
        var asserted = await Ceremonies.AuthenticateAsync(Assertion(credentialId, authData, authenticationClientData, signature),
            Convert.FromHexString(authenticationChallenge), stored, discoverable: false);
        Assert.Equal(0u, asserted.SignCount);

        // One flipped bit of the signature and the same vector fails.
        var tampered = Convert.FromHexString(signature);
        tampered[^1] ^= 1;
        Assert.Equal(WebAuthnReasons.BadSignature, await WebAuthnCeremonyRunner.RefusalAsync(() => Ceremonies.AuthenticateAsync(
            Assertion(credentialId, authData, authenticationClientData, Convert.ToHexString(tampered)), Convert.FromHexString(authenticationChallenge), stored, false)));
    }

    [Fact]
    public async Task SpecVector_WithUserVerificationRequired_IsRefusedForLackingUv() =>
        Assert.Equal(WebAuthnReasons.UserNotVerified, await WebAuthnCeremonyRunner.RefusalAsync(() => new WebAuthnCeremonies(Rp with { RequireUserVerification = true })
            .RegisterAsync(Registration(NoneCredentialId, NoneRegistrationClientData, NoneAttestation), Convert.FromHexString(NoneRegistrationChallenge))));

    [Fact]
    public async Task SpecVector_CrossOrigin_IsRefused() =>
        Assert.Equal(WebAuthnReasons.CrossOrigin, await WebAuthnCeremonyRunner.RefusalAsync(() => Ceremonies.RegisterAsync(
            Registration(CrossOriginCredentialId, CrossOriginClientData, CrossOriginAttestation), Convert.FromHexString(CrossOriginChallenge))));

    [Fact]
    public async Task SpecVector_ForAnotherRpId_IsRpIdHashMismatch() =>
        Assert.Equal(WebAuthnReasons.RpIdHashMismatch, await WebAuthnCeremonyRunner.RefusalAsync(() => new WebAuthnCeremonies(Rp with { Id = "login.example.org" })
            .RegisterAsync(Registration(NoneCredentialId, NoneRegistrationClientData, NoneAttestation), Convert.FromHexString(NoneRegistrationChallenge))));
}
