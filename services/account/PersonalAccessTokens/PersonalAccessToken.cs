using System.Security.Cryptography;
using System.Text;

namespace Auth.Platform.Account.PersonalAccessTokens;

/// <summary>
/// A user's personal access token (Logto's <c>personal_access_tokens</c>): exchanged at signin's <c>/oidc/token</c> for an
/// access token of that user. The value is shown once, at creation; only its SHA-256 is stored (the value carries about
/// 190 random bits, so a fast hash is enough and keeps the exchange cheap, like client secrets).
/// </summary>
public sealed class PersonalAccessToken
{
    /// <summary>Logto's prefix, so secret scanners recognise a leaked value.</summary>
    public const string ValuePrefix = "pat_";
    public const int MaxNameLength = 256;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public required string UserId { get; init; }
    /// <summary>Unique per user (the primary key is user id + name, as Logto's).</summary>
    public required string Name { get; set; }
    public required byte[] ValueHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Never expires when null (Logto's default).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public static string NewValue() => ValuePrefix + RandomNumberGenerator.GetString(Alphabet, 32);

    public static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    /// <summary>The lookup found the row by its hash; the explicit fixed-time compare keeps the check independent of how the
    /// database compared.</summary>
    public bool Matches(string value) => CryptographicOperations.FixedTimeEquals(ValueHash, Hash(value));

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiresAt && expiresAt <= now;
}

/// <summary>Logto's shape (<c>{userId, name, createdAt, expiresAt}</c>, epoch milliseconds); <c>value</c> only in the creation answer.</summary>
public sealed record PersonalAccessTokenResponse(string UserId, string Name, long CreatedAt, long? ExpiresAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Value = null)
{
    public static PersonalAccessTokenResponse From(PersonalAccessToken token, string? value = null) =>
        new(token.UserId, token.Name, token.CreatedAt.ToUnixTimeMilliseconds(), token.ExpiresAt?.ToUnixTimeMilliseconds(), value);
}
