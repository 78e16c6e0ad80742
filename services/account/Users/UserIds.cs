using System.Security.Cryptography;

namespace Auth.Platform.Account.Users;

/// <summary>Logto-style user ids: 12 characters of <c>[a-z0-9]</c> (~62 bits) from the CSPRNG, so ids are not guessable.</summary>
public static class UserIds
{
    public const int Length = 12;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    public static bool IsWellFormed(string? id) =>
        id is { Length: Length } && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9');
}
