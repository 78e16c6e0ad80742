using System.Text.Json;
using Auth.Platform.Account.Data;

namespace Auth.Platform.Account.Users;

/// <summary>The user as Logto's APIs show it: camelCase names, times in epoch milliseconds, never the password hash.</summary>
public sealed record UserResponse(
    string Id,
    string? Username,
    string? PrimaryEmail,
    string? PrimaryPhone,
    string? Name,
    string? Avatar,
    JsonElement CustomData,
    long CreatedAt,
    long UpdatedAt,
    long? LastSignInAt,
    bool IsSuspended,
    bool HasPassword)
{
    public static UserResponse From(User user) => new(
        user.Id, user.Username, user.PrimaryEmail, user.PrimaryPhone, user.Name, user.Avatar,
        JsonDocument.Parse(user.CustomData).RootElement.Clone(),
        user.CreatedAt.ToUnixTimeMilliseconds(), user.UpdatedAt.ToUnixTimeMilliseconds(),
        user.LastSignInAt?.ToUnixTimeMilliseconds(), user.IsSuspended, user.PasswordHash is not null);
}
