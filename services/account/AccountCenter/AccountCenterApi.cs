using System.Text.Json;
using System.Text.Json.Serialization;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.AccountCenter;

/// <summary>The settings as Logto shows them; <c>deleteAccountUrl</c> is written as <c>null</c> when unset (Logto clients read every key).</summary>
public sealed record AccountCenterResponse(
    bool Enabled,
    IReadOnlyDictionary<string, string> Fields,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? DeleteAccountUrl)
{
    /// <summary>Fields in one fixed order (jsonb keeps its own), so every read of the same settings is the same document.</summary>
    public static AccountCenterResponse From(AccountCenterSettings settings)
    {
        var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(settings.Fields) ?? [];
        var fields = new OrderedDictionary<string, string>();
        foreach (var name in AccountCenterFields.All)
            if (stored.TryGetValue(name, out var access)) fields.Add(name, access);
        return new(settings.Enabled, fields, settings.DeleteAccountUrl);
    }
}

/// <summary>
/// Logto's account center settings: <c>GET|PATCH /api/account-center</c> (Management API) and the public
/// <c>GET /api/.well-known/account-center</c> that the hosted account center and SPAs read before calling the Account API.
/// </summary>
public static class AccountCenterApi
{
    public static IEndpointRouteBuilder MapAccountCenterApi(this IEndpointRouteBuilder app)
    {
        var management = app.MapGroup("/api/account-center").RequireAuthorization(PlatformPolicies.Management).WithTags("Account center");
        management.MapGet("", Get);
        management.MapPatch("", Update);
        app.MapGet("/api/.well-known/account-center", Get).AllowAnonymous().WithTags("Account center");
        return app;
    }

    /// <summary>The stored settings, or Logto's seed (disabled, no field) before an admin changed anything.</summary>
    public static async Task<AccountCenterSettings> ReadAsync(AccountDbContext db, CancellationToken ct) =>
        await db.AccountCenterSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == AccountCenterSettings.DefaultId, ct)
        ?? new AccountCenterSettings { Id = AccountCenterSettings.DefaultId };

    private static async Task<Ok<AccountCenterResponse>> Get(AccountDbContext db, CancellationToken ct) =>
        TypedResults.Ok(AccountCenterResponse.From(await ReadAsync(db, ct)));

    /// <summary>
    /// Only the properties present change. <c>fields</c> replaces the whole map, as in Logto (a field left out is
    /// <c>Off</c>); each key must be a known field and each value <c>Off</c>, <c>ReadOnly</c> or <c>Edit</c>.
    /// </summary>
    private static async Task<Results<Ok<AccountCenterResponse>, ProblemHttpResult>> Update(JsonElement body, AccountDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object) return UserErrors.InvalidInput("The body must be a JSON object.");
        var settings = await db.AccountCenterSettings.FirstOrDefaultAsync(s => s.Id == AccountCenterSettings.DefaultId, ct);
        if (settings is null)
        {
            settings = new AccountCenterSettings { Id = AccountCenterSettings.DefaultId };
            db.AccountCenterSettings.Add(settings);
        }
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "enabled":
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return UserErrors.InvalidInput("enabled must be a boolean.");
                    settings.Enabled = value.GetBoolean();
                    break;
                case "fields":
                    if (ValidFields(value) is { } problem) return UserErrors.InvalidInput(problem);
                    settings.Fields = value.GetRawText();
                    break;
                case "deleteAccountUrl":
                    if (value.ValueKind == JsonValueKind.Null) { settings.DeleteAccountUrl = null; break; }
                    if (value.ValueKind != JsonValueKind.String || !IsHttpUrl(value.GetString()!))
                        return UserErrors.InvalidInput("deleteAccountUrl must be an absolute http(s) URL or null.");
                    settings.DeleteAccountUrl = value.GetString();
                    break;
                default:
                    return UserErrors.InvalidInput($"Unknown property '{property.Name}'.");
            }
        }
        settings.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(AccountCenterResponse.From(settings));
    }

    private static string? ValidFields(JsonElement fields)
    {
        if (fields.ValueKind != JsonValueKind.Object) return "fields must be an object.";
        foreach (var field in fields.EnumerateObject())
        {
            if (!AccountCenterFields.All.Contains(field.Name, StringComparer.Ordinal)) return $"Unknown account center field '{field.Name}'.";
            if (field.Value.ValueKind != JsonValueKind.String || !AccountCenterFieldAccess.All.Contains(field.Value.GetString(), StringComparer.Ordinal))
                return $"fields.{field.Name} must be one of Off, ReadOnly, Edit.";
        }
        return null;
    }

    private static bool IsHttpUrl(string value) =>
        value.Length <= 2048 && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";
}
