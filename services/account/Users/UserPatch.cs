using System.Text.Json;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identifiers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.Users;

/// <summary>
/// One property of a user update, as Logto's <c>PATCH</c> bodies carry them: <c>null</c> clears an identifier, name or
/// avatar. Shared by the Management API (<c>PATCH /api/users/{id}</c>) and the Account API (<c>PATCH /api/my-account</c>),
/// so both accept exactly the same values. Callers validate every property before saving: nothing is half-changed.
/// </summary>
public static class UserPatch
{
    /// <summary>Custom data is read into every token request's userinfo and every <c>GET</c>: kept small (serialized JSON).</summary>
    public const int MaxCustomDataBytes = 16 * 1024;

    /// <returns>null when <paramref name="user"/> took the value, else the problem (the user is then to be discarded).</returns>
    public static ProblemHttpResult? Apply(User user, string property, JsonElement value, PhoneNumberNormalizer phones)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var isNullOrString = value.ValueKind is JsonValueKind.Null or JsonValueKind.String;
        switch (property)
        {
            case "username":
                if (!isNullOrString || text is not null && !UsernameRules.IsValid(text)) return UserErrors.InvalidInput("username is invalid.");
                user.Username = text;
                return null;
            case "primaryEmail":
                if (!isNullOrString || text is not null && !EmailAddressRules.IsValid(text)) return UserErrors.InvalidInput("primaryEmail is invalid.");
                user.SetPrimaryEmail(text?.Trim());
                return null;
            case "primaryPhone":
                string? phone = null;
                if (!isNullOrString) return UserErrors.InvalidInput("primaryPhone must be a string or null.");
                if (text is not null && (phone = phones.TryNormalize(text)) is null) return UserErrors.InvalidPhone();
                user.PrimaryPhone = phone;
                return null;
            case "name":
                if (!isNullOrString || text is { Length: > 128 }) return UserErrors.InvalidInput("name is invalid.");
                user.Name = text;
                return null;
            case "avatar":
                if (!isNullOrString || text is not null && !IsAbsoluteUrl(text)) return UserErrors.InvalidInput("avatar must be an absolute URL.");
                user.Avatar = text;
                return null;
            case "customData":
                if (value.ValueKind != JsonValueKind.Object) return UserErrors.InvalidInput("customData must be a JSON object.");
                var raw = value.GetRawText();
                if (System.Text.Encoding.UTF8.GetByteCount(raw) > MaxCustomDataBytes)
                    return UserErrors.InvalidInput($"customData must be at most {MaxCustomDataBytes} bytes of JSON.");
                user.CustomData = raw;
                return null;
            default:
                return UserErrors.InvalidInput($"Unknown property '{property}'.");
        }
    }

    private static bool IsAbsoluteUrl(string value) =>
        value.Length <= 2048 && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";
}
