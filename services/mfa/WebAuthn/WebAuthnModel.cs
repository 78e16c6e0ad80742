using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;

namespace Auth.Platform.Mfa.WebAuthn;

/// <summary>
/// A ceremony refused. <see cref="Reason"/> is stable (API clients and tests match on it); the message is for logs.
/// </summary>
public sealed class WebAuthnException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

public static class WebAuthnReasons
{
    public const string Malformed = "malformed";
    public const string TypeMismatch = "type_mismatch";
    public const string ChallengeMismatch = "challenge_mismatch";
    public const string ChallengeExpired = "challenge_expired";
    public const string OriginMismatch = "origin_mismatch";
    public const string CrossOrigin = "cross_origin";
    public const string RpIdHashMismatch = "rp_id_hash_mismatch";
    public const string UserNotPresent = "user_not_present";
    public const string UserNotVerified = "user_not_verified";
    public const string UnsupportedAlgorithm = "unsupported_algorithm";
    public const string UnsupportedAttestation = "unsupported_attestation_format";
    public const string AttestationInvalid = "attestation_invalid";
    public const string BadSignature = "bad_signature";
    public const string CounterDecreased = "counter_decreased";
    public const string CredentialIdMismatch = "credential_id_mismatch";
    public const string CredentialAlreadyRegistered = "credential_already_registered";
    public const string UnknownCredential = "unknown_credential";
    public const string CredentialNotAllowed = "credential_not_allowed";
    public const string UserHandleMismatch = "user_handle_mismatch";
    public const string UserHandleMissing = "user_handle_missing";
    public const string BackupEligibilityChanged = "backup_eligibility_changed";
}

/// <summary>COSE algorithm identifiers we verify. .NET has no Ed25519 (dotnet/runtime#63174), so EdDSA is not offered.</summary>
public static class CoseAlgorithms
{
    public const int ES256 = -7;
    public const int RS256 = -257;
    public static readonly int[] Supported = [ES256, RS256];
}

/// <summary>A credential public key in COSE_Key form (RFC 9052/9053): EC2 P-256 or RSA.</summary>
public sealed record CoseKey(int KeyType, int Algorithm, int? Curve, byte[]? X, byte[]? Y, byte[]? Modulus, byte[]? Exponent)
{
    public const int Ec2 = 2, Rsa = 3, P256 = 1;

    public static CoseKey Parse(ReadOnlyMemory<byte> encoded)
    {
        var reader = new CborReader(encoded, CborConformanceMode.Lax);
        var key = Read(reader);
        if (reader.BytesRemaining != 0) throw new WebAuthnException(WebAuthnReasons.Malformed, "Trailing bytes after the COSE key.");
        return key;
    }

    public static CoseKey Read(CborReader reader)
    {
        int? kty = null, alg = null, crv = null;
        byte[]? x = null, y = null, n = null, e = null;
        var count = reader.ReadStartMap();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
            {
                reader.SkipValue(); reader.SkipValue(); continue;
            }
            switch (reader.ReadInt32())
            {
                case 1: kty = reader.ReadInt32(); break;
                case 3: alg = reader.ReadInt32(); break;
                // -1 is crv (an int) for EC2 and n (bytes) for RSA: the value's type says which.
                case -1 when reader.PeekState() == CborReaderState.ByteString: n = reader.ReadByteString(); break;
                case -1: crv = reader.ReadInt32(); break;
                case -2: x = e = reader.ReadByteString(); break;
                case -3: y = reader.ReadByteString(); break;
                default: reader.SkipValue(); break;
            }
        }
        reader.ReadEndMap();
        if (kty is null || alg is null) throw new WebAuthnException(WebAuthnReasons.Malformed, "COSE key without kty or alg.");
        return kty == Rsa ? new CoseKey(Rsa, alg.Value, null, null, null, n, e) : new CoseKey(kty.Value, alg.Value, crv, x, y, null, null);
    }

    /// <summary>Checks the key is one we can use for its declared algorithm; throws <c>unsupported_algorithm</c> otherwise.</summary>
    public void EnsureUsable()
    {
        var ok = Algorithm switch
        {
            CoseAlgorithms.ES256 => KeyType == Ec2 && Curve == P256 && X is { Length: 32 } && Y is { Length: 32 },
            CoseAlgorithms.RS256 => KeyType == Rsa && Modulus is { Length: >= 256 } && Exponent is { Length: > 0 and <= 8 },
            _ => false,
        };
        if (!ok) throw new WebAuthnException(WebAuthnReasons.UnsupportedAlgorithm, $"Unsupported COSE key (kty {KeyType}, alg {Algorithm}).");
    }

    /// <summary>ES256 signatures are ASN.1 DER in WebAuthn (§6.5.5), not the IEEE P1363 form .NET's default overload expects.</summary>
    public bool Verify(byte[] data, byte[] signature)
    {
        EnsureUsable();
        try
        {
            if (Algorithm == CoseAlgorithms.ES256)
            {
                using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = X, Y = Y } });
                return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            using var rsa = RSA.Create(new RSAParameters { Modulus = Modulus, Exponent = Exponent });
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            // A point off the curve or an unusable modulus: the key cannot have made this signature.
            return false;
        }
    }
}

public sealed record AttestedCredentialData(Guid Aaguid, byte[] CredentialId, byte[] CosePublicKey, CoseKey PublicKey);

/// <summary>authenticatorData (§6.1): rpIdHash | flags | signCount | [attested credential data] | [extensions].</summary>
public sealed record AuthenticatorData(byte[] RpIdHash, byte Flags, uint SignCount, AttestedCredentialData? AttestedCredential, byte[]? Extensions)
{
    public bool UserPresent => (Flags & 0x01) != 0;
    public bool UserVerified => (Flags & 0x04) != 0;
    public bool BackupEligible => (Flags & 0x08) != 0;
    public bool BackupState => (Flags & 0x10) != 0;
    public bool HasAttestedCredential => (Flags & 0x40) != 0;
    public bool HasExtensions => (Flags & 0x80) != 0;

    public const int MaxCredentialIdLength = 1023;

    public static AuthenticatorData Parse(byte[] data)
    {
        if (data.Length < 37) throw new WebAuthnException(WebAuthnReasons.Malformed, "authenticatorData is shorter than 37 bytes.");
        var flags = data[32];
        var signCount = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(33, 4));
        var position = 37;
        AttestedCredentialData? attested = null;
        if ((flags & 0x40) != 0)
        {
            if (data.Length < position + 18) throw new WebAuthnException(WebAuthnReasons.Malformed, "Attested credential data is truncated.");
            var aaguid = new Guid(data.AsSpan(position, 16), bigEndian: true);
            var idLength = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(position + 16, 2));
            position += 18;
            // W-R18: longer ids are refused, and the length must fit what is left.
            if (idLength is 0 or > MaxCredentialIdLength || data.Length < position + idLength)
                throw new WebAuthnException(WebAuthnReasons.Malformed, "Credential id length is invalid.");
            var credentialId = data.AsSpan(position, idLength).ToArray();
            position += idLength;
            var keyLength = CborItemLength(data, position);
            var coseKey = data.AsSpan(position, keyLength).ToArray();
            position += keyLength;
            attested = new AttestedCredentialData(aaguid, credentialId, coseKey, CoseKey.Parse(coseKey));
        }
        byte[]? extensions = null;
        if ((flags & 0x80) != 0)
        {
            var length = CborItemLength(data, position);
            extensions = data.AsSpan(position, length).ToArray();
            position += length;
        }
        if (position != data.Length) throw new WebAuthnException(WebAuthnReasons.Malformed, "Trailing bytes in authenticatorData.");
        return new AuthenticatorData(data[..32], flags, signCount, attested, extensions);
    }

    private static int CborItemLength(byte[] data, int position)
    {
        if (position >= data.Length) throw new WebAuthnException(WebAuthnReasons.Malformed, "authenticatorData is truncated.");
        var reader = new CborReader(data.AsMemory(position), CborConformanceMode.Lax);
        reader.SkipValue();
        return data.Length - position - reader.BytesRemaining;
    }
}
