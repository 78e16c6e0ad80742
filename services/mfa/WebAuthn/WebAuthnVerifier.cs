using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Auth.Platform.Mfa.WebAuthn;

/// <summary>The relying party a ceremony is checked against: RP ID, the exact origins allowed, and whether UV is required.</summary>
public sealed record RelyingParty(string Id, string Name, IReadOnlyCollection<string> Origins, bool RequireUserVerification);

/// <summary>What registration proved: stored as the credential (W-R21).</summary>
public sealed record VerifiedRegistration(
    byte[] CredentialId, byte[] CosePublicKey, int Algorithm, uint SignCount, Guid Aaguid, bool UserVerified,
    bool BackupEligible, bool BackupState, string AttestationFormat, string[] Transports);

/// <summary>A stored credential, as authentication needs it.</summary>
public sealed record StoredCredential(byte[] CredentialId, byte[] CosePublicKey, uint SignCount, bool BackupEligible, byte[] UserHandle);

public sealed record VerifiedAssertion(uint SignCount, bool UserVerified, bool BackupState);

/// <summary>The parts of an authentication response needed before verification (to find the credential).</summary>
public sealed record AssertionIdentity(byte[] CredentialId, byte[]? UserHandle);

/// <summary>
/// WebAuthn Level 2/3 relying-party ceremonies (§7.1 registration, §7.2 authentication), step by step, on
/// System.Formats.Cbor and System.Security.Cryptography. Inputs are the browser's JSON serialisation
/// (<c>PublicKeyCredential.toJSON()</c>: base64url fields). Every refusal is a <see cref="WebAuthnException"/> with a
/// stable reason; nothing a client sends can surface as another exception.
/// </summary>
public static class WebAuthnVerifier
{
    public static VerifiedRegistration VerifyRegistration(JsonElement payload, ReadOnlySpan<byte> expectedChallenge, RelyingParty rp)
    {
        var challenge = expectedChallenge.ToArray();
        return Guard(() =>
        {
            // W-R2: a PublicKeyCredential carrying an AuthenticatorAttestationResponse.
            var rawId = CredentialRawId(payload);
            var response = Property(payload, "response", JsonValueKind.Object);
            var clientDataJson = B64(response, "clientDataJSON");
            var attestationObject = B64(response, "attestationObject");
            // W-R3..W-R7
            CheckClientData(clientDataJson, "webauthn.create", challenge, rp);
            // W-R8
            var clientDataHash = SHA256.HashData(clientDataJson);
            // W-R9
            var (fmt, authDataBytes, attStmt) = DecodeAttestationObject(attestationObject);
            var authData = AuthenticatorData.Parse(authDataBytes);
            // W-R10..W-R13
            CheckAuthenticatorData(authData, rp);
            if (authData.AttestedCredential is not { } credential)
                throw new WebAuthnException(WebAuthnReasons.Malformed, "No attested credential data (AT flag clear).");
            // The id the browser reports must be the one the authenticator attested.
            if (!CryptographicOperations.FixedTimeEquals(credential.CredentialId, rawId))
                throw new WebAuthnException(WebAuthnReasons.CredentialIdMismatch, "rawId differs from the attested credential id.");
            // W-R14: an algorithm we offered, with a key of the right shape.
            if (!CoseAlgorithms.Supported.Contains(credential.PublicKey.Algorithm))
                throw new WebAuthnException(WebAuthnReasons.UnsupportedAlgorithm, $"Credential algorithm {credential.PublicKey.Algorithm} was not offered.");
            credential.PublicKey.EnsureUsable();
            // W-R15..W-R17
            VerifyAttestationStatement(fmt, attStmt, authDataBytes, clientDataHash, authData, credential);
            var transports = response.TryGetProperty("transports", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).Where(x => x.Length <= 32).Take(8).ToArray()
                : [];
            return new VerifiedRegistration(credential.CredentialId, credential.CosePublicKey, credential.PublicKey.Algorithm, authData.SignCount,
                credential.Aaguid, authData.UserVerified, authData.BackupEligible, authData.BackupState, fmt, transports);
        });
    }

    /// <summary>Reads the credential id and user handle so the caller can find the stored credential (W-A2, W-A3).</summary>
    public static AssertionIdentity ReadAssertionIdentity(JsonElement payload) => Guard(() =>
    {
        var rawId = CredentialRawId(payload);
        var response = Property(payload, "response", JsonValueKind.Object);
        byte[]? userHandle = response.TryGetProperty("userHandle", out var h) && h.ValueKind == JsonValueKind.String && h.GetString() is { Length: > 0 }
            ? B64(response, "userHandle") : null;
        return new AssertionIdentity(rawId, userHandle);
    });

    /// <param name="discoverable">No user was named before the ceremony: the user handle is then required (W-A3).</param>
    public static VerifiedAssertion VerifyAuthentication(JsonElement payload, ReadOnlySpan<byte> expectedChallenge, RelyingParty rp,
        StoredCredential stored, bool discoverable)
    {
        var challenge = expectedChallenge.ToArray();
        return Guard(() =>
        {
            var identity = ReadAssertionIdentity(payload);
            if (!CryptographicOperations.FixedTimeEquals(identity.CredentialId, stored.CredentialId))
                throw new WebAuthnException(WebAuthnReasons.UnknownCredential, "The response is for another credential.");
            // W-A3
            if (identity.UserHandle is null && discoverable)
                throw new WebAuthnException(WebAuthnReasons.UserHandleMissing, "A discoverable sign-in needs the user handle.");
            if (identity.UserHandle is { } handle && !CryptographicOperations.FixedTimeEquals(handle, stored.UserHandle))
                throw new WebAuthnException(WebAuthnReasons.UserHandleMismatch, "The user handle does not own this credential.");
            var response = Property(payload, "response", JsonValueKind.Object);
            var clientDataJson = B64(response, "clientDataJSON");
            var authDataBytes = B64(response, "authenticatorData");
            var signature = B64(response, "signature");
            // W-A4..W-A6
            CheckClientData(clientDataJson, "webauthn.get", challenge, rp);
            var authData = AuthenticatorData.Parse(authDataBytes);
            // W-A7..W-A9
            CheckAuthenticatorData(authData, rp);
            // W-A10: a credential does not change from device-bound to syncable (or back).
            if (authData.BackupEligible != stored.BackupEligible)
                throw new WebAuthnException(WebAuthnReasons.BackupEligibilityChanged, "The backup eligibility flag changed since registration.");
            // W-A11
            var key = CoseKey.Parse(stored.CosePublicKey);
            if (!key.Verify([.. authDataBytes, .. SHA256.HashData(clientDataJson)], signature))
                throw new WebAuthnException(WebAuthnReasons.BadSignature, "The assertion signature does not verify.");
            // W-A12: a counter that does not grow means a cloned authenticator (or a replay): refused (judgement).
            if ((authData.SignCount != 0 || stored.SignCount != 0) && authData.SignCount <= stored.SignCount)
                throw new WebAuthnException(WebAuthnReasons.CounterDecreased, $"Signature counter {authData.SignCount} is not above {stored.SignCount}.");
            return new VerifiedAssertion(authData.SignCount, authData.UserVerified, authData.BackupState);
        });
    }

    private static void CheckClientData(byte[] clientDataJson, string expectedType, byte[] challenge, RelyingParty rp)
    {
        var text = Encoding.UTF8.GetString(clientDataJson);
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new WebAuthnException(WebAuthnReasons.Malformed, "clientDataJSON is not an object.");
        if (String(root, "type") != expectedType)
            throw new WebAuthnException(WebAuthnReasons.TypeMismatch, $"clientData.type is not {expectedType}.");
        var given = Base64Url.DecodeFromChars(String(root, "challenge"));
        if (!CryptographicOperations.FixedTimeEquals(given, challenge))
            throw new WebAuthnException(WebAuthnReasons.ChallengeMismatch, "clientData.challenge is not the challenge of this ceremony.");
        // §13.4.9: exact match against the configured origins, no prefix or suffix games.
        if (!rp.Origins.Contains(String(root, "origin"), StringComparer.Ordinal))
            throw new WebAuthnException(WebAuthnReasons.OriginMismatch, "clientData.origin is not an allowed origin.");
        // W-R7 / W-A6: no iframes are expected on other sites.
        if ((root.TryGetProperty("crossOrigin", out var cross) && cross.ValueKind == JsonValueKind.True) || root.TryGetProperty("topOrigin", out _))
            throw new WebAuthnException(WebAuthnReasons.CrossOrigin, "Cross-origin ceremonies are not accepted.");
    }

    private static void CheckAuthenticatorData(AuthenticatorData authData, RelyingParty rp)
    {
        if (!CryptographicOperations.FixedTimeEquals(authData.RpIdHash, SHA256.HashData(Encoding.UTF8.GetBytes(rp.Id))))
            throw new WebAuthnException(WebAuthnReasons.RpIdHashMismatch, "rpIdHash is not the hash of our RP ID.");
        if (!authData.UserPresent) throw new WebAuthnException(WebAuthnReasons.UserNotPresent, "The UP flag is not set.");
        if (rp.RequireUserVerification && !authData.UserVerified)
            throw new WebAuthnException(WebAuthnReasons.UserNotVerified, "User verification was required and the UV flag is not set.");
        if (!authData.BackupEligible && authData.BackupState)
            throw new WebAuthnException(WebAuthnReasons.Malformed, "BS is set while BE is not.");
    }

    private static (string Fmt, byte[] AuthData, ReadOnlyMemory<byte> AttStmt) DecodeAttestationObject(byte[] attestationObject)
    {
        var reader = new CborReader(attestationObject, CborConformanceMode.Lax);
        string? fmt = null;
        byte[]? authData = null;
        ReadOnlyMemory<byte>? attStmt = null;
        var count = reader.ReadStartMap();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            switch (reader.PeekState() == CborReaderState.TextString ? reader.ReadTextString() : null)
            {
                case "fmt": fmt = reader.ReadTextString(); break;
                case "authData": authData = reader.ReadByteString(); break;
                case "attStmt": attStmt = reader.ReadEncodedValue(); break;
                default: reader.SkipValue(); break;
            }
        }
        reader.ReadEndMap();
        if (reader.BytesRemaining != 0 || fmt is null || authData is null || attStmt is null)
            throw new WebAuthnException(WebAuthnReasons.Malformed, "attestationObject needs fmt, authData and attStmt and nothing after.");
        return (fmt, authData, attStmt.Value);
    }

    /// <summary>
    /// W-F1/W-F2. We ask for <c>attestation: "none"</c>, so no trust anchor is checked (W-R17: "none" and self
    /// attestation accepted by policy); a packed statement must still be internally valid. Other formats are refused.
    /// </summary>
    private static void VerifyAttestationStatement(string fmt, ReadOnlyMemory<byte> attStmtBytes, byte[] authData, byte[] clientDataHash,
        AuthenticatorData parsed, AttestedCredentialData credential)
    {
        var reader = new CborReader(attStmtBytes, CborConformanceMode.Lax);
        switch (fmt)
        {
            case "none":
                if (reader.ReadStartMap() != 0) throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "A none attestation has an empty attStmt.");
                return;
            case "packed":
                break;
            default:
                throw new WebAuthnException(WebAuthnReasons.UnsupportedAttestation, $"Attestation format '{fmt}' is not accepted.");
        }
        int? alg = null;
        byte[]? sig = null;
        List<byte[]>? x5c = null;
        var count = reader.ReadStartMap();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            switch (reader.PeekState() == CborReaderState.TextString ? reader.ReadTextString() : null)
            {
                case "alg": alg = reader.ReadInt32(); break;
                case "sig": sig = reader.ReadByteString(); break;
                case "x5c":
                    x5c = [];
                    var n = reader.ReadStartArray();
                    for (var j = 0; n is null ? reader.PeekState() != CborReaderState.EndArray : j < n; j++) x5c.Add(reader.ReadByteString());
                    reader.ReadEndArray();
                    break;
                default: reader.SkipValue(); break;
            }
        }
        reader.ReadEndMap();
        if (alg is null || sig is null) throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "packed attStmt needs alg and sig.");
        byte[] signed = [.. authData, .. clientDataHash];
        if (x5c is null)
        {
            // Self attestation: signed by the credential key itself, with its algorithm.
            if (alg != credential.PublicKey.Algorithm)
                throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "Self attestation alg differs from the credential key's.");
            if (!credential.PublicKey.Verify(signed, sig))
                throw new WebAuthnException(WebAuthnReasons.BadSignature, "Self attestation signature does not verify.");
            return;
        }
        if (x5c.Count == 0) throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "x5c is empty.");
        X509Certificate2 certificate;
        try { certificate = X509CertificateLoader.LoadCertificate(x5c[0]); }
        catch (CryptographicException) { throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "x5c[0] is not a certificate."); }
        using (certificate)
        {
            var verified = alg switch
            {
                CoseAlgorithms.ES256 => certificate.GetECDsaPublicKey() is { } ec
                    && Dispose(ec, ec.VerifyData(signed, sig, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
                CoseAlgorithms.RS256 => certificate.GetRSAPublicKey() is { } rsa
                    && Dispose(rsa, rsa.VerifyData(signed, sig, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
                _ => throw new WebAuthnException(WebAuthnReasons.UnsupportedAlgorithm, $"Attestation algorithm {alg} is not supported."),
            };
            if (!verified) throw new WebAuthnException(WebAuthnReasons.BadSignature, "Attestation signature does not verify with x5c[0].");
            CheckPackedCertificate(certificate, credential.Aaguid);
        }
    }

    /// <summary>§8.2.1 requirements on a packed attestation certificate.</summary>
    private static void CheckPackedCertificate(X509Certificate2 certificate, Guid aaguid)
    {
        if (certificate.Version != 3) throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "Attestation certificate is not X.509 v3.");
        var ou = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(r => r.GetSingleElementType().Value == "2.5.4.11").Select(r => r.GetSingleElementValue()).FirstOrDefault();
        if (ou != "Authenticator Attestation")
            throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "Subject OU must be 'Authenticator Attestation'.");
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true })
            throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "Attestation certificate must not be a CA.");
        if (certificate.Extensions["1.3.6.1.4.1.45724.1.1.4"] is { } extension)
        {
            // id-fido-gen-ce-aaguid: an OCTET STRING wrapping the 16-byte AAGUID, never critical.
            var inner = new System.Formats.Asn1.AsnReader(extension.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadOctetString();
            if (extension.Critical || inner.Length != 16 || new Guid(inner, bigEndian: true) != aaguid)
                throw new WebAuthnException(WebAuthnReasons.AttestationInvalid, "The certificate's AAGUID extension does not match.");
        }
    }

    private static bool Dispose(IDisposable key, bool result)
    {
        key.Dispose();
        return result;
    }

    private static byte[] CredentialRawId(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object) throw new WebAuthnException(WebAuthnReasons.Malformed, "The credential is not an object.");
        if (String(payload, "type") != "public-key") throw new WebAuthnException(WebAuthnReasons.Malformed, "type must be public-key.");
        var id = B64(payload, "id");
        var rawId = payload.TryGetProperty("rawId", out _) ? B64(payload, "rawId") : id;
        if (!id.AsSpan().SequenceEqual(rawId)) throw new WebAuthnException(WebAuthnReasons.Malformed, "id and rawId differ.");
        if (rawId.Length is 0 or > AuthenticatorData.MaxCredentialIdLength) throw new WebAuthnException(WebAuthnReasons.Malformed, "Credential id length is invalid.");
        return rawId;
    }

    private static JsonElement Property(JsonElement element, string name, JsonValueKind kind) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new WebAuthnException(WebAuthnReasons.Malformed, $"{name} is missing or has the wrong type.");

    private static string String(JsonElement element, string name) => Property(element, name, JsonValueKind.String).GetString()!;

    private static byte[] B64(JsonElement element, string name)
    {
        var text = String(element, name);
        // Browsers send base64url; tolerate the padded and standard forms some libraries produce.
        return Base64Url.DecodeFromChars(text.TrimEnd('=').Replace('+', '-').Replace('/', '_'));
    }

    /// <summary>Whatever a hostile payload breaks inside a parser becomes <c>malformed</c>, never an unhandled exception.</summary>
    private static T Guard<T>(Func<T> verify)
    {
        try { return verify(); }
        catch (WebAuthnException) { throw; }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or JsonException
            or CryptographicException or ArgumentException or OverflowException or System.Formats.Asn1.AsnContentException or DecoderFallbackException)
        {
            throw new WebAuthnException(WebAuthnReasons.Malformed, "Malformed WebAuthn response: " + e.Message);
        }
    }
}
