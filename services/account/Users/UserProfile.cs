using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.Users;

/// <summary>
/// A user's OIDC standard profile claims in Logto's shape (<c>users.profile</c>): <c>familyName, givenName, middleName,
/// nickname, preferredUsername, profile, website, gender, birthdate, zoneinfo, locale, address{formatted, streetAddress,
/// locality, region, postalCode, country}</c>. An update merges into the stored object (Logto's rule): a key given replaces
/// its value, <c>null</c> removes it, other keys stay. Every value is checked before anything changes.
/// </summary>
public static partial class UserProfile
{
    private const int MaxLength = 256;
    private const int MaxUrlLength = 2048;
    private static readonly string[] TextKeys = ["familyName", "givenName", "middleName", "nickname", "preferredUsername", "gender"];
    private static readonly string[] UrlKeys = ["profile", "website"];
    private static readonly string[] AddressKeys = ["formatted", "streetAddress", "locality", "region", "postalCode", "country"];

    /// <summary>The keys of an update, for callers that check scopes per key (<c>address</c> needs its own).</summary>
    public static IEnumerable<string> Keys(JsonElement update) => update.EnumerateObject().Select(p => p.Name);

    /// <returns>The merged profile (JSON text), or the problem that refused the update.</returns>
    public static (string? Merged, ProblemHttpResult? Problem) Merge(string stored, JsonElement update)
    {
        if (update.ValueKind != JsonValueKind.Object) return (null, UserErrors.InvalidInput("profile must be a JSON object."));
        var profile = JsonNode.Parse(stored)!.AsObject();
        foreach (var property in update.EnumerateObject())
        {
            if (Invalid(property.Name, property.Value) is { } detail) return (null, UserErrors.InvalidInput(detail));
            if (property.Value.ValueKind == JsonValueKind.Null) profile.Remove(property.Name);
            else profile[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }
        return (profile.ToJsonString(), null);
    }

    private static string? Invalid(string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null) return IsKnown(key) ? null : $"Unknown profile property '{key}'.";
        if (key == "address")
        {
            if (value.ValueKind != JsonValueKind.Object) return "profile.address must be an object.";
            foreach (var part in value.EnumerateObject())
                if (!AddressKeys.Contains(part.Name, StringComparer.Ordinal) || part.Value.ValueKind != JsonValueKind.String
                    || part.Value.GetString()!.Length > MaxLength)
                    return $"profile.address.{part.Name} is not a known address property with a string of at most {MaxLength} characters.";
            return null;
        }
        if (value.ValueKind != JsonValueKind.String) return IsKnown(key) ? $"profile.{key} must be a string." : $"Unknown profile property '{key}'.";
        var text = value.GetString()!;
        return key switch
        {
            _ when TextKeys.Contains(key, StringComparer.Ordinal) => text.Length <= MaxLength ? null : $"profile.{key} must be at most {MaxLength} characters.",
            _ when UrlKeys.Contains(key, StringComparer.Ordinal) => text.Length <= MaxUrlLength && Uri.TryCreate(text, UriKind.Absolute, out var uri)
                && uri.Scheme is "https" or "http" ? null : $"profile.{key} must be an absolute http(s) URL.",
            "birthdate" => Birthdate().IsMatch(text) ? null : "profile.birthdate must be YYYY-MM-DD, YYYY or 0000-MM-DD (OIDC).",
            "zoneinfo" => TimeZoneInfo.TryFindSystemTimeZoneById(text, out _) && text.Length <= 64 ? null : "profile.zoneinfo must be an IANA time zone.",
            "locale" => Locale().IsMatch(text) ? null : "profile.locale must be a BCP 47 language tag.",
            _ => $"Unknown profile property '{key}'.",
        };
    }

    private static bool IsKnown(string key) => key is "address" or "birthdate" or "zoneinfo" or "locale"
        || TextKeys.Contains(key, StringComparer.Ordinal) || UrlKeys.Contains(key, StringComparer.Ordinal);

    [GeneratedRegex(@"^(\d{4}|\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))$")]
    private static partial Regex Birthdate();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,4}$")]
    private static partial Regex Locale();
}
