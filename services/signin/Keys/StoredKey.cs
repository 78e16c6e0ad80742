namespace Auth.Platform.Signin.Keys;

/// <summary>A server key (signing, encryption or client-secret HMAC) whose private material is protected by Data Protection.</summary>
public sealed class StoredKey
{
    public required Guid Id { get; init; }
    /// <summary><see cref="KeyUses"/>.</summary>
    public required string Use { get; init; }
    public required string Algorithm { get; init; }
    /// <summary>Data Protection ciphertext of the private key (PKCS#8 for RSA, raw bytes for HMAC), base64.</summary>
    public required string ProtectedMaterial { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

public static class KeyUses
{
    public const string Signing = "sig";
    public const string Encryption = "enc";
    public const string ClientSecretHmac = "client-secret-hmac";
}
