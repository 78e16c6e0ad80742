using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Auth.Platform.UnitTests.Mfa;

/// <summary>
/// A software authenticator with real keys, building WebAuthn responses the way a browser serialises them
/// (<c>PublicKeyCredential.toJSON()</c>), with knobs to tamper with every checked field.
/// </summary>
public sealed class TestAuthenticator : IDisposable
{
    public const string RpId = "login.example.com";
    public const string Origin = "https://login.example.com";

    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;
    public int Algorithm { get; }
    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(32);
    public Guid Aaguid { get; } = Guid.NewGuid();
    public uint Counter { get; set; }

    public TestAuthenticator(int algorithm = -7)
    {
        Algorithm = algorithm;
        if (algorithm == -257) _rsa = RSA.Create(2048);
        else _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }

    public byte[] CoseKey(int? algOverride = null)
    {
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(false);
            w.WriteStartMap(4);
            w.WriteInt32(1); w.WriteInt32(3);
            w.WriteInt32(3); w.WriteInt32(algOverride ?? -257);
            w.WriteInt32(-1); w.WriteByteString(p.Modulus!);
            w.WriteInt32(-2); w.WriteByteString(p.Exponent!);
        }
        else
        {
            var p = _ec!.ExportParameters(false);
            w.WriteStartMap(5);
            w.WriteInt32(1); w.WriteInt32(2);
            w.WriteInt32(3); w.WriteInt32(algOverride ?? -7);
            w.WriteInt32(-1); w.WriteInt32(1);
            w.WriteInt32(-2); w.WriteByteString(p.Q.X!);
            w.WriteInt32(-3); w.WriteByteString(p.Q.Y!);
        }
        w.WriteEndMap();
        return w.Encode();
    }

    public byte[] Sign(byte[] data) => _rsa is not null
        ? _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        : _ec!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public static byte[] ClientData(string type, byte[] challenge, string origin = Origin, bool crossOrigin = false, string? extra = null) =>
        Encoding.UTF8.GetBytes($$"""{"type":"{{type}}","challenge":"{{Base64Url.EncodeToString(challenge)}}","origin":"{{origin}}","crossOrigin":{{(crossOrigin ? "true" : "false")}}{{extra}}}""");

    public byte[] AuthData(byte flags, bool attested, string rpId = RpId, byte[]? coseKey = null, byte[]? trailing = null, Guid? aaguid = null)
    {
        var data = new List<byte>();
        data.AddRange(SHA256.HashData(Encoding.UTF8.GetBytes(rpId)));
        data.Add((byte)(flags | (attested ? 0x40 : 0)));
        var counter = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counter, Counter);
        data.AddRange(counter);
        if (attested)
        {
            data.AddRange((aaguid ?? Aaguid).ToByteArray(bigEndian: true));
            data.Add((byte)(CredentialId.Length >> 8));
            data.Add((byte)CredentialId.Length);
            data.AddRange(CredentialId);
            data.AddRange(coseKey ?? CoseKey());
        }
        if (trailing is not null) data.AddRange(trailing);
        return [.. data];
    }

    public sealed record RegistrationOptions
    {
        public string Type { get; init; } = "webauthn.create";
        public string Origin { get; init; } = TestAuthenticator.Origin;
        public string RpId { get; init; } = TestAuthenticator.RpId;
        public byte Flags { get; init; } = 0x05; // UP | UV
        public bool CrossOrigin { get; init; }
        public string Format { get; init; } = "none";
        /// <summary>packed with x5c (a generated attestation certificate) instead of self attestation; fido-u2f: a real U2F statement (else an empty one).</summary>
        public bool X5c { get; init; }
        public string CertificateSubject { get; init; } = "CN=Test Authenticator, OU=Authenticator Attestation, O=Tests, C=FR";
        public int? CoseAlgorithm { get; init; }
        public bool TamperAttestationSignature { get; init; }
        public byte[]? TrailingAuthData { get; init; }
    }

    public JsonElement Register(byte[] challenge, RegistrationOptions? options = null)
    {
        options ??= new RegistrationOptions();
        var clientData = ClientData(options.Type, challenge, options.Origin, options.CrossOrigin);
        // U2F authenticators have no AAGUID (FIDO U2F predates it): the field is zero.
        var authData = AuthData(options.Flags, attested: true, options.RpId, CoseKey(options.CoseAlgorithm), options.TrailingAuthData,
            options.Format == "fido-u2f" ? Guid.Empty : null);
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        w.WriteStartMap(3);
        w.WriteTextString("fmt"); w.WriteTextString(options.Format);
        w.WriteTextString("attStmt");
        if (options.Format == "packed")
        {
            byte[] signed = [.. authData, .. SHA256.HashData(clientData)];
            if (options.X5c)
            {
                using var attestationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var request = new CertificateRequest(options.CertificateSubject, attestationKey, HashAlgorithmName.SHA256);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
                var aaguidExtension = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
                aaguidExtension.WriteOctetString(Aaguid.ToByteArray(bigEndian: true));
                request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.45724.1.1.4", aaguidExtension.Encode(), false));
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
                var sig = attestationKey.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                if (options.TamperAttestationSignature) sig[^1] ^= 1;
                w.WriteStartMap(3);
                w.WriteTextString("alg"); w.WriteInt32(-7);
                w.WriteTextString("sig"); w.WriteByteString(sig);
                w.WriteTextString("x5c"); w.WriteStartArray(1); w.WriteByteString(certificate.RawData); w.WriteEndArray();
                w.WriteEndMap();
            }
            else
            {
                var sig = Sign(signed);
                if (options.TamperAttestationSignature) sig[^1] ^= 1;
                w.WriteStartMap(2);
                w.WriteTextString("alg"); w.WriteInt32(Algorithm);
                w.WriteTextString("sig"); w.WriteByteString(sig);
                w.WriteEndMap();
            }
        }
        else if (options.Format == "fido-u2f" && options.X5c)
        {
            // FIDO U2F raw message format: 0x00 | rpIdHash | clientDataHash | credentialId | uncompressed P-256 public key.
            using var attestationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var certificate = new CertificateRequest("CN=U2F Test Attestation", attestationKey, HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var q = _ec!.ExportParameters(false).Q;
            byte[] signed = [0x00, .. SHA256.HashData(Encoding.UTF8.GetBytes(options.RpId)), .. SHA256.HashData(clientData), .. CredentialId, 0x04, .. q.X!, .. q.Y!];
            var sig = attestationKey.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            if (options.TamperAttestationSignature) sig[^1] ^= 1;
            w.WriteStartMap(2);
            w.WriteTextString("sig"); w.WriteByteString(sig);
            w.WriteTextString("x5c"); w.WriteStartArray(1); w.WriteByteString(certificate.RawData); w.WriteEndArray();
            w.WriteEndMap();
        }
        else
        {
            w.WriteStartMap(0);
            w.WriteEndMap();
        }
        w.WriteTextString("authData"); w.WriteByteString(authData);
        w.WriteEndMap();
        return Credential(new JsonObject
        {
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["attestationObject"] = Base64Url.EncodeToString(w.Encode()),
            ["transports"] = new JsonArray("internal"),
        });
    }

    public sealed record AssertionOptions
    {
        public string Type { get; init; } = "webauthn.get";
        public string Origin { get; init; } = TestAuthenticator.Origin;
        public string RpId { get; init; } = TestAuthenticator.RpId;
        public byte Flags { get; init; } = 0x05;
        public byte[]? UserHandle { get; init; }
        public bool TamperSignature { get; init; }
        /// <summary>Sign P1363 (raw r‖s) instead of the DER WebAuthn requires.</summary>
        public bool P1363Signature { get; init; }
    }

    public JsonElement Assert(byte[] challenge, AssertionOptions? options = null)
    {
        options ??= new AssertionOptions();
        Counter++;
        var clientData = ClientData(options.Type, challenge, options.Origin);
        var authData = AuthData(options.Flags, attested: false, options.RpId);
        byte[] signed = [.. authData, .. SHA256.HashData(clientData)];
        var signature = options.P1363Signature ? _ec!.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) : Sign(signed);
        if (options.TamperSignature) signature[^1] ^= 1;
        var response = new JsonObject
        {
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["authenticatorData"] = Base64Url.EncodeToString(authData),
            ["signature"] = Base64Url.EncodeToString(signature),
        };
        if (options.UserHandle is not null) response["userHandle"] = Base64Url.EncodeToString(options.UserHandle);
        return Credential(response);
    }

    private JsonElement Credential(JsonObject response)
    {
        var id = Base64Url.EncodeToString(CredentialId);
        var json = new JsonObject { ["id"] = id, ["rawId"] = id, ["type"] = "public-key", ["response"] = response, ["clientExtensionResults"] = new JsonObject() };
        return JsonSerializer.Deserialize<JsonElement>(json.ToJsonString());
    }
}
