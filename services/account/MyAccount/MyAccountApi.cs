using System.Security.Claims;
using System.Text.Json;
using Auth.Platform.Account.AccountCenter;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identifiers;
using Auth.Platform.Account.Users;
using Auth.Platform.Account.Verifications;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.MyAccount;

/// <summary>
/// Logto's Account API (<c>/api/my-account</c>) for the signed-in user. Every call first asks the account center
/// settings: disabled → 400 <c>account_center.not_enabled</c>; a field shows only when it is <c>ReadOnly</c> or
/// <c>Edit</c> there and the token has the scope that covers it (Logto's rule).
/// </summary>
public static class MyAccountApi
{
    /// <summary>Which scope and which account center field each property of the user needs (Logto's mapping).</summary>
    private static readonly (string Property, string Scope, string Field, Func<User, object?> Value)[] Properties =
    [
        ("username", "profile", "username", u => u.Username),
        ("name", "profile", "name", u => u.Name),
        ("avatar", "profile", "avatar", u => u.Avatar),
        ("primaryEmail", "email", "email", u => u.PrimaryEmail),
        ("primaryPhone", "phone", "phone", u => u.PrimaryPhone),
        ("customData", "custom_data", "customData", u => JsonDocument.Parse(u.CustomData).RootElement.Clone()),
        ("profile", "profile", "profile", u => JsonDocument.Parse(u.Profile).RootElement.Clone()),
    ];

    public static IEndpointRouteBuilder MapMyAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/my-account").RequireAuthorization(MyAccountAuthentication.Policy).WithTags("Account API");
        group.MapGet("", Get);
        group.MapPatch("", Update);
        group.MapPatch("/profile", UpdateProfile);
        group.MapMyAccountPassword();
        group.MapPrimaryIdentifiers();
        group.MapMyAccountMfa();
        return app;
    }

    /// <summary>What <c>PATCH /api/my-account</c> may change: the scope and account center field each property needs
    /// (Logto's), and whether it is sensitive (a username is a sign-in identifier: step-up first).</summary>
    private static readonly Dictionary<string, (string Scope, string Field, bool NeedsStepUp)> Editable = new(StringComparer.Ordinal)
    {
        ["name"] = ("profile", "name", false),
        ["avatar"] = ("profile", "avatar", false),
        ["username"] = ("profile", "username", true),
        ["customData"] = ("custom_data", "customData", false),
    };

    public static ProblemHttpResult NotEnabled() =>
        PlatformProblems.Create(400, "account_center.not_enabled", "The account center is not enabled.");

    public static ProblemHttpResult FieldNotEditable(string field) =>
        PlatformProblems.Create(400, "account_center.field_not_editable", $"The account center does not let users edit '{field}'.");

    public static ProblemHttpResult MissingScope(string scope) =>
        PlatformProblems.Create(403, "auth.forbidden", $"The access token lacks the '{scope}' scope.");

    /// <summary>The checks before any change of <paramref name="field"/>: a first-party token, the account center enabled and
    /// the field at <c>Edit</c>.</summary>
    public static async Task<ProblemHttpResult?> EditableAsync(ClaimsPrincipal principal, AccountDbContext db, string field, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        var center = await AccountCenterApi.ReadAsync(db, ct);
        if (!center.Enabled) return NotEnabled();
        return AccountCenterResponse.From(center).Fields.GetValueOrDefault(field) == AccountCenterFieldAccess.Edit ? null : FieldNotEditable(field);
    }

    /// <summary>Refused when the change would leave the user no identifier to sign in with.</summary>
    public static ProblemHttpResult LastIdentifier() =>
        PlatformProblems.Create(422, "user.last_identifier", "This is the last identifier the user can sign in with.");

    /// <summary><c>id</c> always; every other property when its scope was granted and its field is not <c>Off</c>.</summary>
    private static async Task<Results<Ok<Dictionary<string, object?>>, ProblemHttpResult>> Get(ClaimsPrincipal principal, UserDirectory directory,
        AccountDbContext db, CancellationToken ct)
    {
        var center = await AccountCenterApi.ReadAsync(db, ct);
        if (!center.Enabled) return NotEnabled();
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();
        return TypedResults.Ok(Visible(user, principal, AccountCenterResponse.From(center).Fields));
    }

    private static Dictionary<string, object?> Visible(User user, ClaimsPrincipal principal, IReadOnlyDictionary<string, string> fields)
    {
        var body = new Dictionary<string, object?> { ["id"] = user.Id };
        foreach (var (property, scope, field, value) in Properties)
            if (principal.HasScope(scope) && fields.TryGetValue(field, out var access) && access != AccountCenterFieldAccess.Off)
                body[property] = value(user);
        return body;
    }

    /// <summary>
    /// <c>{name?, avatar?, username?, customData?}</c>; only the properties present change, <c>null</c> clears. Every rule is
    /// checked for every property before anything is written: the first refusal answers and nothing changes. Answers the
    /// account as <c>GET</c> shows it.
    /// </summary>
    private static async Task<Results<Ok<Dictionary<string, object?>>, ProblemHttpResult>> Update(JsonElement body, HttpRequest request, ClaimsPrincipal principal,
        UserDirectory directory, StepUp stepUp, PhoneNumberNormalizer phones, AccountDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        var center = await AccountCenterApi.ReadAsync(db, ct);
        if (!center.Enabled) return NotEnabled();
        if (body.ValueKind != JsonValueKind.Object) return UserErrors.InvalidInput("The body must be a JSON object.");
        var fields = AccountCenterResponse.From(center).Fields;
        var sensitive = false;
        foreach (var property in body.EnumerateObject())
        {
            if (!Editable.TryGetValue(property.Name, out var rule)) return UserErrors.InvalidInput($"Unknown property '{property.Name}'.");
            if (!principal.HasScope(rule.Scope)) return MissingScope(rule.Scope);
            if (fields.GetValueOrDefault(rule.Field) != AccountCenterFieldAccess.Edit) return FieldNotEditable(rule.Field);
            sensitive |= rule.NeedsStepUp;
        }
        if (sensitive && await stepUp.RequireAsync(request, principal, ct) is { } denied) return denied;
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();
        foreach (var property in body.EnumerateObject())
            if (UserPatch.Apply(user, property.Name, property.Value, phones) is { } invalid) return invalid;
        if (user is { Username: null, PrimaryEmail: null, PrimaryPhone: null }) return LastIdentifier();
        if (await directory.FindConflictAsync(user, ct) is { } conflict) return conflict;
        user.UpdatedAt = clock.GetUtcNow();
        if (body.TryGetProperty("username", out _)) db.AddIntegrationEvent(new UserIdentifiersChanged(user.Id, user.Username, user.PrimaryEmail, user.PrimaryPhone));
        return await directory.SaveAsync(ct) is { } raced ? raced : TypedResults.Ok(Visible(user, principal, fields));
    }

    /// <summary>
    /// Logto's <c>PATCH /api/my-account/profile</c>: the body is the profile update itself, merged into the stored one
    /// (<see cref="UserProfile"/>); needs the <c>profile</c> field at <c>Edit</c> and the <c>profile</c> scope, and the
    /// <c>address</c> scope to touch <c>address</c>. Answers the whole profile.
    /// </summary>
    private static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> UpdateProfile(JsonElement body, ClaimsPrincipal principal,
        UserDirectory directory, AccountDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        var center = await AccountCenterApi.ReadAsync(db, ct);
        if (!center.Enabled) return NotEnabled();
        if (!principal.HasScope("profile")) return MissingScope("profile");
        if (AccountCenterResponse.From(center).Fields.GetValueOrDefault("profile") != AccountCenterFieldAccess.Edit) return FieldNotEditable("profile");
        if (body.ValueKind != JsonValueKind.Object) return UserErrors.InvalidInput("The body must be a JSON object.");
        if (UserProfile.Keys(body).Contains("address") && !principal.HasScope("address")) return MissingScope("address");
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();
        var (merged, invalid) = UserProfile.Merge(user.Profile, body);
        if (invalid is not null) return invalid;
        user.Profile = merged!;
        user.UpdatedAt = clock.GetUtcNow();
        await directory.SaveAsync(ct);
        return TypedResults.Ok(JsonDocument.Parse(user.Profile).RootElement.Clone());
    }
}
