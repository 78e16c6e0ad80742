using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;

namespace Auth.Platform.Mfa.WebAuthn;

/// <summary>The relying party a ceremony is checked against: RP ID, the exact origins allowed, and whether UV is required.</summary>
public sealed record RelyingParty(string Id, string Name, IReadOnlyCollection<string> Origins, bool RequireUserVerification, int TimeoutSeconds = 120)
{
    public Fido2Configuration ToFido2Configuration() => new()
    {
        RPID = Id,
        RPName = Name,
        Origins = Origins.ToHashSet(StringComparer.Ordinal),
        // W-R1: 32 random bytes (the library's default is 16).
        ChallengeSize = 32,
        Timeout = (uint)TimeoutSeconds * 1000,
    };

    public UserVerificationRequirement UserVerification => RequireUserVerification ? UserVerificationRequirement.Required : UserVerificationRequirement.Preferred;
}

/// <summary>What registration proved: stored as the credential (W-R21).</summary>
public sealed record VerifiedRegistration(
    byte[] CredentialId, byte[] CosePublicKey, int Algorithm, uint SignCount, Guid Aaguid, bool UserVerified,
    bool BackupEligible, bool BackupState, string AttestationFormat, string[] Transports);

/// <summary>A stored credential, as authentication needs it.</summary>
public sealed record StoredCredential(byte[] CredentialId, byte[] CosePublicKey, uint SignCount, bool BackupEligible, byte[] UserHandle);

public sealed record VerifiedAssertion(uint SignCount, bool UserVerified, bool BackupState);

/// <summary>The parts of an authentication response needed before verification (to find the credential).</summary>
public sealed record AssertionIdentity(byte[] CredentialId, byte[]? UserHandle);

/// <summary>A credential the user already has: excluded at registration, allowed at authentication.</summary>
public sealed record KnownCredential(byte[] Id, string? Transports);

/// <summary>
/// WebAuthn relying-party ceremonies (§7.1 registration, §7.2 authentication) on Fido2's <see cref="IFido2"/>: the
/// library builds the options and verifies responses (every attestation format it implements: none, packed, fido-u2f,
/// tpm, android-key, android-safetynet, apple); this class adds our policy on top (credential id and user handle
/// ownership, backup eligibility that must not change, a counter that must grow) and turns every refusal, the
/// library's or ours, into a <see cref="WebAuthnException"/> with a stable reason. Inputs are the browser's JSON
/// (<c>PublicKeyCredential.toJSON()</c>); nothing a client sends surfaces as another exception.
/// </summary>
public sealed class WebAuthnCeremonies(IFido2 fido2, RelyingParty rp)
{
    /// <summary>ES256 first (every authenticator has it), RS256 for Windows Hello.</summary>
    public static readonly IReadOnlyList<PubKeyCredParam> Algorithms = [PubKeyCredParam.ES256, PubKeyCredParam.RS256];

    public WebAuthnCeremonies(RelyingParty rp) : this(new Fido2(rp.ToFido2Configuration()), rp) { }

    public RelyingParty RelyingParty => rp;

    /// <summary>
    /// Options for <c>navigator.credentials.create()</c>: attestation <c>none</c>, a discoverable credential (so it is
    /// also a passkey), the user handle = the user id (opaque and random already).
    /// </summary>
    public CredentialCreateOptions RegistrationOptions(string userId, string name, string displayName, IEnumerable<KnownCredential> existing) =>
        fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = System.Text.Encoding.UTF8.GetBytes(userId), Name = name, DisplayName = displayName },
            ExcludeCredentials = [.. existing.Select(Descriptor)],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = rp.UserVerification,
            },
            AttestationPreference = AttestationConveyancePreference.None,
            PubKeyCredParams = Algorithms,
        });

    /// <summary>Options for <c>navigator.credentials.get()</c>; no credentials = discoverable only (passkey sign-in).</summary>
    public AssertionOptions AuthenticationOptions(IEnumerable<KnownCredential> allowed) =>
        fido2.GetAssertionOptions(new GetAssertionOptionsParams { AllowedCredentials = [.. allowed.Select(Descriptor)], UserVerification = rp.UserVerification });

    public async Task<VerifiedRegistration> VerifyRegistrationAsync(JsonElement payload, CredentialCreateOptions original,
        Func<byte[], CancellationToken, Task<bool>> isCredentialIdUnused, CancellationToken cancellationToken)
    {
        var raw = Deserialize(payload, WireJson.AttestationResponse);
        if (raw.Response is null) throw Malformed("response is missing.");
        var rawId = CheckedRawId(raw.Id, raw.RawId);
        var credential = await Guard(() => fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
        {
            AttestationResponse = raw,
            OriginalOptions = original,
            IsCredentialIdUniqueToUserCallback = (p, ct) => isCredentialIdUnused(p.CredentialId, ct),
        }, cancellationToken));
        // The id the browser reports must be the one the authenticator attested.
        if (!CryptographicOperations.FixedTimeEquals(credential.Id, rawId))
            throw new WebAuthnException(WebAuthnReasons.CredentialIdMismatch, "rawId differs from the attested credential id.");
        // Verified already: reading it again only picks the facts the library's result leaves out.
        var authData = AuthenticatorAttestationResponse.Parse(raw).AttestationObject.AuthData;
        return new VerifiedRegistration(credential.Id, credential.PublicKey, CoseAlgorithm(credential.PublicKey), credential.SignCount,
            authData.AttestedCredentialData!.AaGuid, authData.UserVerified, credential.IsBackupEligible, credential.IsBackedUp,
            AuthenticatorAttestationResponse.Parse(raw).AttestationObject.Fmt,
            [.. (raw.Response.Transports ?? []).Take(8).Select(t => t.ToEnumMemberValue())]);
    }

    /// <summary>Reads the credential id and user handle so the caller can find the stored credential (W-A2, W-A3).</summary>
    public static AssertionIdentity ReadAssertionIdentity(JsonElement payload)
    {
        var raw = Deserialize(payload, WireJson.AssertionResponse);
        if (raw.Response is null) throw Malformed("response is missing.");
        return new AssertionIdentity(CheckedRawId(raw.Id, raw.RawId), raw.Response.UserHandle is { Length: > 0 } handle ? handle : null);
    }

    /// <param name="discoverable">No user was named before the ceremony: the user handle is then required (W-A3).</param>
    public async Task<VerifiedAssertion> VerifyAuthenticationAsync(JsonElement payload, AssertionOptions original, StoredCredential stored,
        bool discoverable, CancellationToken cancellationToken)
    {
        var raw = Deserialize(payload, WireJson.AssertionResponse);
        var identity = ReadAssertionIdentity(payload);
        if (!CryptographicOperations.FixedTimeEquals(identity.CredentialId, stored.CredentialId))
            throw new WebAuthnException(WebAuthnReasons.UnknownCredential, "The response is for another credential.");
        if (identity.UserHandle is null && discoverable)
            throw new WebAuthnException(WebAuthnReasons.UserHandleMissing, "A discoverable sign-in needs the user handle.");
        var handleMismatch = false;
        var result = await Guard(() => fido2.MakeAssertionAsync(new MakeAssertionParams
        {
            AssertionResponse = raw,
            OriginalOptions = original,
            StoredPublicKey = stored.CosePublicKey,
            StoredSignatureCounter = stored.SignCount,
            IsUserHandleOwnerOfCredentialIdCallback = (p, _) =>
            {
                handleMismatch = !CryptographicOperations.FixedTimeEquals(p.UserHandle, stored.UserHandle);
                return Task.FromResult(!handleMismatch);
            },
        }, cancellationToken), () => handleMismatch ? WebAuthnReasons.UserHandleMismatch : null);
        var authData = Fido2NetLib.Objects.AuthenticatorData.Parse(raw.Response.AuthenticatorData);
        // W-A10: a credential does not change from device-bound to syncable (or back).
        if (authData.IsBackupEligible != stored.BackupEligible)
            throw new WebAuthnException(WebAuthnReasons.BackupEligibilityChanged, "The backup eligibility flag changed since registration.");
        // W-A12: the library lets a counter fall back to 0; a counter that stops after counting is a clone signal too.
        if (stored.SignCount != 0 && result.SignCount <= stored.SignCount)
            throw new WebAuthnException(WebAuthnReasons.CounterDecreased, $"Signature counter {result.SignCount} is not above {stored.SignCount}.");
        return new VerifiedAssertion(result.SignCount, authData.UserVerified, result.IsBackedUp);
    }

    private static PublicKeyCredentialDescriptor Descriptor(KnownCredential credential) => new(PublicKeyCredentialType.PublicKey, credential.Id,
        string.IsNullOrEmpty(credential.Transports) ? null
            : [.. credential.Transports.Split(',').Select(t => EnumNameMapper<AuthenticatorTransport>.TryGetValue(t, out var value) ? (AuthenticatorTransport?)value : null)
                .OfType<AuthenticatorTransport>()]);

    private static int CoseAlgorithm(byte[] coseKey)
    {
        var reader = new CborReader(coseKey, CborConformanceMode.Lax);
        var count = reader.ReadStartMap();
        for (var i = 0; i < count; i++)
        {
            if (reader.PeekState() is CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger && reader.ReadInt32() == 3) return reader.ReadInt32();
            reader.SkipValue();
        }
        return 0;
    }

    private static byte[] CheckedRawId(string? id, byte[]? rawId)
    {
        if (id is null || rawId is not { Length: > 0 and <= 1023 }) throw Malformed("Credential id is missing or too long.");
        if (!Base64Url.IsValid(id) || !Base64Url.DecodeFromChars(id).AsSpan().SequenceEqual(rawId)) throw Malformed("id and rawId differ.");
        return rawId;
    }

    private static T Deserialize<T>(JsonElement payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (payload.ValueKind != JsonValueKind.Object) throw Malformed("The credential is not an object.");
        try { return payload.Deserialize(type) ?? throw Malformed("The credential is null."); }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw Malformed("The credential JSON does not have the WebAuthn shape: " + e.Message);
        }
    }

    private static WebAuthnException Malformed(string message) => new(WebAuthnReasons.Malformed, message);

    /// <summary>The library's refusals keep their meaning as our stable reasons; whatever a hostile payload breaks inside a parser is <c>malformed</c>.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> ceremony, Func<string?>? ourReason = null)
    {
        try { return await ceremony(); }
        catch (Fido2VerificationException e)
        {
            throw new WebAuthnException(ourReason?.Invoke() ?? ReasonFor(e), e.Message);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or JsonException or CryptographicException
            or ArgumentException or OverflowException or InvalidCastException or KeyNotFoundException or IndexOutOfRangeException
            or System.Formats.Asn1.AsnContentException or System.Text.DecoderFallbackException)
        {
            throw Malformed("Malformed WebAuthn response: " + e.Message);
        }
    }

    private static string ReasonFor(Fido2VerificationException e) => e.Code switch
    {
        Fido2ErrorCode.InvalidAuthenticatorResponseChallenge or Fido2ErrorCode.MissingAuthenticatorResponseChallenge => WebAuthnReasons.ChallengeMismatch,
        Fido2ErrorCode.InvalidAuthenticatorResponseOrigin or Fido2ErrorCode.MissingAuthenticatorResponseOrigin => WebAuthnReasons.OriginMismatch,
        Fido2ErrorCode.CrossOriginRequestNotAllowed or Fido2ErrorCode.InvalidAuthenticatorResponseTopOrigin => WebAuthnReasons.CrossOrigin,
        Fido2ErrorCode.InvalidRpidHash => WebAuthnReasons.RpIdHashMismatch,
        Fido2ErrorCode.UserPresentFlagNotSet => WebAuthnReasons.UserNotPresent,
        Fido2ErrorCode.UserVerificationRequirementNotMet => WebAuthnReasons.UserNotVerified,
        Fido2ErrorCode.CredentialAlgorithmRequirementNotMet or Fido2ErrorCode.UnimplementedAlgorithm or Fido2ErrorCode.InvalidCredentialPublicKey
            => WebAuthnReasons.UnsupportedAlgorithm,
        Fido2ErrorCode.UnknownAttestationType => WebAuthnReasons.UnsupportedAttestation,
        Fido2ErrorCode.InvalidAttestation or Fido2ErrorCode.MissingAttestationType or Fido2ErrorCode.InvalidCertificateChain => WebAuthnReasons.AttestationInvalid,
        Fido2ErrorCode.InvalidSignature => WebAuthnReasons.BadSignature,
        Fido2ErrorCode.InvalidSignCount => WebAuthnReasons.CounterDecreased,
        Fido2ErrorCode.NonUniqueCredentialId => WebAuthnReasons.CredentialAlreadyRegistered,
        // The library has one code for every problem with the response as a whole; a swapped ceremony type is the one we name.
        Fido2ErrorCode.InvalidAttestationResponse or Fido2ErrorCode.InvalidAssertionResponse when e.Message.Contains("'webauthn.", StringComparison.Ordinal)
            => WebAuthnReasons.TypeMismatch,
        Fido2ErrorCode.InvalidAssertionResponse when e.Message.Contains("allowed credentials", StringComparison.OrdinalIgnoreCase) => WebAuthnReasons.CredentialNotAllowed,
        _ => WebAuthnReasons.Malformed,
    };
}

/// <summary>The library's wire types carry their converters (base64url fields, enum names as the spec spells them) as attributes.</summary>
file static class WireJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
    public static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<AuthenticatorAttestationRawResponse> AttestationResponse =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<AuthenticatorAttestationRawResponse>)Options.GetTypeInfo(typeof(AuthenticatorAttestationRawResponse));
    public static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<AuthenticatorAssertionRawResponse> AssertionResponse =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<AuthenticatorAssertionRawResponse>)Options.GetTypeInfo(typeof(AuthenticatorAssertionRawResponse));
}

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
