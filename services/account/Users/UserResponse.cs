using System.Text.Json;
using System.Text.Json.Serialization;
using Auth.Platform.Account.Data;

namespace Auth.Platform.Account.Users;

/// <summary>
/// The user as Logto's APIs show it: camelCase names, times in epoch milliseconds, never the password hash. Absent values
/// are written as <c>null</c> (the platform otherwise omits nulls) because Logto clients read every key.
/// </summary>
public sealed record UserResponse(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Username,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PrimaryEmail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PrimaryPhone,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Avatar,
    JsonElement CustomData,
    JsonElement Profile,
    long CreatedAt,
    long UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? LastSignInAt,
    bool IsSuspended,
    bool HasPassword)
{
    /// <summary>Logto's <c>identities: {target: {userId, details}}</c>; shown by <c>GET /api/users/{id}</c> (omitted where not read).</summary>
    public Dictionary<string, Identities.IdentityResponse>? Identities { get; init; }
    /// <summary>Logto's <c>ssoIdentities</c>; shown by <c>GET /api/users/{id}</c> (omitted where not read).</summary>
    public List<Identities.SsoIdentityResponse>? SsoIdentities { get; init; }

    public static UserResponse From(User user) => new(
        user.Id, user.Username, user.PrimaryEmail, user.PrimaryPhone, user.Name, user.Avatar,
        JsonDocument.Parse(user.CustomData).RootElement.Clone(),
        JsonDocument.Parse(user.Profile).RootElement.Clone(),
        user.CreatedAt.ToUnixTimeMilliseconds(), user.UpdatedAt.ToUnixTimeMilliseconds(),
        user.LastSignInAt?.ToUnixTimeMilliseconds(), user.IsSuspended, user.PasswordHash is not null);
}
