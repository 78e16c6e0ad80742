using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.Identities;

/// <summary>Bounds and codes of identities, checked where they enter (internal and Management APIs alike).</summary>
public static class IdentityRules
{
    public const int MaxTargetLength = 128;
    public const int MaxIdentityIdLength = 256;
    public const int MaxIssuerLength = 512;
    /// <summary>The provider's user info is kept for display and support, not as a store: bounded like custom data.</summary>
    public const int MaxDetailsLength = 16 * 1024;

    public static bool IsTarget(string? target) =>
        target is { Length: > 0 and <= MaxTargetLength } && target.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');

    public static bool IsIdentityId(string? id) => id is { Length: > 0 and <= MaxIdentityIdLength } && HostileText.IsStorable(id);

    public static bool IsIssuer(string? issuer) => issuer is { Length: > 0 and <= MaxIssuerLength } && HostileText.IsStorable(issuer);

    /// <summary>An absent details object is <c>{}</c>; anything else must be an object of bounded size.</summary>
    public static string? DetailsJson(JsonElement? details) => details switch
    {
        null or { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => "{}",
        { ValueKind: JsonValueKind.Object } d when d.GetRawText().Length <= MaxDetailsLength => d.GetRawText(),
        _ => null,
    };

    /// <summary>Logto's code: the identity is linked to another user already.</summary>
    public static ProblemHttpResult AlreadyInUse() =>
        PlatformProblems.Create(422, "user.identity_already_in_use", "This identity is already linked to another user.");

    public static ProblemHttpResult NotLinked() => PlatformProblems.Create(404, "user.identity_not_exist", "The user has no identity for this target.");
}
