using System.Security.Claims;
using System.Text.Json;
using Auth.Platform.Account.AccountCenter;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Users;
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
    ];

    public static IEndpointRouteBuilder MapMyAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/my-account").RequireAuthorization(MyAccountAuthentication.Policy).WithTags("Account API");
        group.MapGet("", Get);
        return app;
    }

    public static ProblemHttpResult NotEnabled() =>
        PlatformProblems.Create(400, "account_center.not_enabled", "The account center is not enabled.");

    /// <summary><c>id</c> always; every other property when its scope was granted and its field is not <c>Off</c>.</summary>
    private static async Task<Results<Ok<Dictionary<string, object?>>, ProblemHttpResult>> Get(ClaimsPrincipal principal, UserDirectory directory,
        AccountDbContext db, CancellationToken ct)
    {
        var center = await AccountCenterApi.ReadAsync(db, ct);
        if (!center.Enabled) return NotEnabled();
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();
        var fields = AccountCenterResponse.From(center).Fields;
        var body = new Dictionary<string, object?> { ["id"] = user.Id };
        foreach (var (property, scope, field, value) in Properties)
            if (principal.HasScope(scope) && fields.TryGetValue(field, out var access) && access != AccountCenterFieldAccess.Off)
                body[property] = value(user);
        return TypedResults.Ok(body);
    }
}
