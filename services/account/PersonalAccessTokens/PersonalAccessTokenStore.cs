using Auth.Platform.Account.Data;
using Auth.Platform.Account.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Auth.Platform.Account.PersonalAccessTokens;

public sealed record CreatePersonalAccessTokenBody(string? Name, long? ExpiresAt);
public sealed record RenamePersonalAccessTokenBody(string? CurrentName, string? Name);
public sealed record DeletePersonalAccessTokenBody(string? Name);

/// <summary>
/// The rules of a user's personal access tokens, shared by the Management API (an admin, any user) and the Account API
/// (the user, own tokens): names, expiry, Logto's error codes. Nothing here ever answers a token's value except
/// <see cref="CreateAsync"/>.
/// </summary>
public sealed class PersonalAccessTokenStore(AccountDbContext db, TimeProvider clock)
{
    public static ProblemHttpResult NameExists() =>
        PlatformProblems.Create(422, "user.personal_access_token_name_exists", "The user already has a personal access token with this name.");

    public static ProblemHttpResult NotFound() =>
        PlatformProblems.Create(404, "entity.not_found", "The user has no personal access token with this name.");

    public async Task<List<PersonalAccessTokenResponse>> ListAsync(string userId, CancellationToken ct) =>
        (await db.PersonalAccessTokens.AsNoTracking().Where(t => t.UserId == userId).OrderBy(t => t.CreatedAt).ThenBy(t => t.Name).ToListAsync(ct))
            .Select(t => PersonalAccessTokenResponse.From(t)).ToList();

    /// <summary>201 with the value, the only time it is ever answered.</summary>
    public async Task<Results<Created<PersonalAccessTokenResponse>, ProblemHttpResult>> CreateAsync(string userId, CreatePersonalAccessTokenBody body, CancellationToken ct)
    {
        if (InvalidName(body.Name) is { } invalid) return invalid;
        var now = clock.GetUtcNow();
        DateTimeOffset? expiresAt = null;
        if (body.ExpiresAt is { } ms)
        {
            if (ms <= now.ToUnixTimeMilliseconds() || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                return PlatformProblems.Create(400, "request.invalid_input", "The value of `expiresAt` must be in the future.");
            expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        if (await db.PersonalAccessTokens.AnyAsync(t => t.UserId == userId && t.Name == body.Name, ct)) return NameExists();
        var value = PersonalAccessToken.NewValue();
        var token = new PersonalAccessToken { UserId = userId, Name = body.Name!, ValueHash = PersonalAccessToken.Hash(value), CreatedAt = now, ExpiresAt = expiresAt };
        db.PersonalAccessTokens.Add(token);
        if (await SaveAsync(ct) is { } raced) return raced;
        return TypedResults.Created((string?)null, PersonalAccessTokenResponse.From(token, value));
    }

    /// <summary>Renames in place (one UPDATE of the key; the value hash and dates stay).</summary>
    public async Task<Results<Ok<PersonalAccessTokenResponse>, ProblemHttpResult>> RenameAsync(string userId, string? currentName, string? name, CancellationToken ct)
    {
        if (currentName is not { Length: > 0 }) return UserErrors.InvalidInput("currentName is required.");
        if (InvalidName(name) is { } invalid) return invalid;
        if (await db.PersonalAccessTokens.AsNoTracking().FirstOrDefaultAsync(t => t.UserId == userId && t.Name == currentName, ct) is not { } token) return NotFound();
        if (currentName == name) return TypedResults.Ok(PersonalAccessTokenResponse.From(token));
        try
        {
            if (await db.PersonalAccessTokens.Where(t => t.UserId == userId && t.Name == currentName)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Name, name!), ct) == 0) return NotFound();
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_personal_access_tokens" })
        {
            return NameExists();
        }
        token.Name = name!;
        return TypedResults.Ok(PersonalAccessTokenResponse.From(token));
    }

    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string userId, string? name, CancellationToken ct)
    {
        if (name is not { Length: > 0 }) return UserErrors.InvalidInput("name is required.");
        var deleted = await db.PersonalAccessTokens.Where(t => t.UserId == userId && t.Name == name).ExecuteDeleteAsync(ct);
        return deleted == 0 ? NotFound() : TypedResults.NoContent();
    }

    /// <summary>
    /// The user a presented value stands for, or null when no token has it, it expired, or its user is suspended: the
    /// exchange answers all of these alike (<c>invalid_grant</c>).
    /// </summary>
    public async Task<string?> ResolveAsync(string value, CancellationToken ct)
    {
        if (!value.StartsWith(PersonalAccessToken.ValuePrefix, StringComparison.Ordinal) || value.Length > 128) return null;
        var hash = PersonalAccessToken.Hash(value);
        var token = await db.PersonalAccessTokens.AsNoTracking().FirstOrDefaultAsync(t => t.ValueHash == hash, ct);
        if (token is null || !token.Matches(value) || token.IsExpired(clock.GetUtcNow())) return null;
        var suspended = await db.Users.Where(u => u.Id == token.UserId).Select(u => (bool?)u.IsSuspended).FirstOrDefaultAsync(ct);
        return suspended == false ? token.UserId : null;
    }

    private static ProblemHttpResult? InvalidName(string? name) =>
        HostileText.IsIdentifier(name, PersonalAccessToken.MaxNameLength) && name.Trim().Length == name.Length
            ? null
            : UserErrors.InvalidInput($"name must be 1 to {PersonalAccessToken.MaxNameLength} characters, without control characters or surrounding spaces.");

    private async Task<ProblemHttpResult?> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_personal_access_tokens" })
        {
            db.ChangeTracker.Clear();
            return NameExists();
        }
    }
}
