using System.Security.Cryptography;

namespace Auth.Platform.SsoConnector.Connectors;

/// <summary>Ids in Logto's shape (lower-case alphanumeric); also the opaque connector-session ids.</summary>
public static class ConnectorIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New(int length = 12) => RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>What an id in a path may look like before it reaches the database (hostile text stays out).</summary>
    public static bool IsWellFormed(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
