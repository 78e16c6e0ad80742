using System.Globalization;
using System.Text.Json;
using Auth.Platform.Organization.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Auth.Platform.Organization.Template;

/// <summary>What the organization template's scopes and roles share: name rules, paging with <c>q</c>, and their problems (Logto's codes).</summary>
public static class TemplateRules
{
    public const int MaxName = 128;
    public const int MaxDescription = 256;
    public const int MaxIdsPerRequest = 100;

    public static ProblemHttpResult? ValidateName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxName ? OrganizationErrors.InvalidInput($"name must be 1 to {MaxName} characters.") : null;

    public static ProblemHttpResult? ValidateDescription(string? description) =>
        description is { Length: > MaxDescription } ? OrganizationErrors.InvalidInput($"description must be at most {MaxDescription} characters.") : null;

    /// <summary>Applies a PATCH's valid <c>name</c> or <c>description</c>; false for any other or invalid property.</summary>
    public static bool TryApplyNameOrDescription(ITemplateEntry entry, JsonProperty property)
    {
        var value = property.Value;
        switch (property.Name)
        {
            case "name" when value.ValueKind == JsonValueKind.String && ValidateName(value.GetString()) is null:
                entry.Name = value.GetString()!.Trim();
                return true;
            case "description" when value.ValueKind is JsonValueKind.String or JsonValueKind.Null && ValidateDescription(value.GetString()) is null:
                entry.Description = value.GetString();
                return true;
            default:
                return false;
        }
    }

    public static ProblemHttpResult? ValidateIds(string[]? ids, string name, bool allowEmpty)
    {
        if (ids is null) return OrganizationErrors.InvalidInput($"{name} is required.");
        if (ids.Length == 0 && !allowEmpty) return OrganizationErrors.InvalidInput($"{name} must not be empty.");
        if (ids.Length > MaxIdsPerRequest) return OrganizationErrors.InvalidInput($"At most {MaxIdsPerRequest} {name} per request.");
        if (ids.Any(string.IsNullOrWhiteSpace)) return OrganizationErrors.InvalidInput($"{name} must be non-empty strings.");
        return null;
    }

    /// <summary>Name order, <c>q</c> a case-insensitive substring of the id or name, the total in <c>Total-Number</c>.</summary>
    public static async Task<List<T>?> PageAsync<T>(IQueryable<T> query, Func<string, System.Linq.Expressions.Expression<Func<T, bool>>> matches,
        System.Linq.Expressions.Expression<Func<T, string>> orderBy, string? q, int? page, int? pageSize, HttpResponse response, CancellationToken ct)
    {
        if (ManagementOrganizationsApi.Paging(page, pageSize) is not var (p, size)) return null;
        if (!string.IsNullOrWhiteSpace(q)) query = query.Where(matches("%" + ManagementOrganizationsApi.EscapeLike(q.Trim()) + "%"));
        var total = await query.CountAsync(ct);
        response.Headers["Total-Number"] = total.ToString(CultureInfo.InvariantCulture);
        return await query.OrderBy(orderBy).Skip((p - 1) * size).Take(size).ToListAsync(ct);
    }

    public static ProblemHttpResult BadPaging() =>
        OrganizationErrors.InvalidInput($"page must be >= 1 and page_size between 1 and {ManagementOrganizationsApi.MaxPageSize}.");

    /// <summary>Saves; a name already taken (unique index, so two concurrent creations cannot both win) is Logto's 422.</summary>
    public static async Task<ProblemHttpResult?> SaveUniqueAsync(DbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return PlatformProblems.Create(422, "entity.unique_integrity_violation", "The name is already in use.");
        }
    }

    public static ProblemHttpResult NotFound(string table, string id) =>
        PlatformProblems.Create(404, "entity.not_exists_with_id", $"No {table} row with this id.", new { name = table, id });

    /// <summary>Logto's answer when a relation names rows that do not exist (a foreign key violation there); nothing is written.</summary>
    public static ProblemHttpResult UnknownIds(string name, IReadOnlyCollection<string> ids) =>
        PlatformProblems.Create(422, "entity.relation_foreign_key_not_found", $"Some {name} do not exist.", new Dictionary<string, object> { [name] = ids });

    /// <summary>A user role given to an application or a machine-to-machine role to a user (Logto's type-check constraint).</summary>
    public static ProblemHttpResult RoleTypeMismatch(string expected, IReadOnlyCollection<string> roleIds) =>
        PlatformProblems.Create(422, "entity.db_constraint_violated", $"Only roles of type {expected} can be assigned here.", new { organizationRoleIds = roleIds });

    /// <summary>A replace (delete what is not listed, insert the rest) in one transaction, under the retrying execution strategy.</summary>
    public static Task InTransactionAsync(DbContext db, Func<CancellationToken, Task> work, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await work(ct);
            await transaction.CommitAsync(ct);
        }, ct);
}
