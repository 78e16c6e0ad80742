using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identifiers;
using Auth.Platform.Account.Passwords;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Auth.Platform.Account.Users;

public sealed record CreateUserRequest(string? Username, string? PrimaryEmail, string? PrimaryPhone, string? Password, string? Name);

/// <summary>The rules shared by the internal API (signin's registration) and the Management API.</summary>
public sealed class UserDirectory(AccountDbContext db, PasswordHasher hasher, PhoneNumberNormalizer phones, TimeProvider clock)
{
    /// <summary>Bounds the Argon2 input: longer inputs only cost CPU and are not stronger.</summary>
    public const int MaxPasswordLength = 256;

    public Task<User?> FindAsync(string id, CancellationToken ct) =>
        UserIds.IsWellFormed(id) ? db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) : Task.FromResult<User?>(null);

    /// <summary>Finds a user by a sign-in identifier in any human-typed form, normalized as on write; null for an unknown
    /// type or malformed value.</summary>
    public Task<User?> FindByIdentifierAsync(string type, string value, CancellationToken ct)
    {
        switch (type)
        {
            case "username":
                return db.Users.FirstOrDefaultAsync(u => u.Username == value, ct);
            case "email":
                var email = EmailAddressRules.TryNormalize(value);
                return email is null ? Task.FromResult<User?>(null) : db.Users.FirstOrDefaultAsync(u => u.PrimaryEmailNormalized == email, ct);
            case "phone":
                var phone = phones.TryNormalize(value);
                return phone is null ? Task.FromResult<User?>(null) : db.Users.FirstOrDefaultAsync(u => u.PrimaryPhone == phone, ct);
            default:
                return Task.FromResult<User?>(null);
        }
    }

    public static bool IsIdentifierType(string? type) => type is "username" or "email" or "phone";

    /// <summary>
    /// Creates the user and its <see cref="UserRegistered"/> event in one transaction (the outbox); <paramref name="attach"/>
    /// adds what must exist with the user in that same transaction (a social or SSO identity) or refuses.
    /// </summary>
    public async Task<Results<Created<UserResponse>, ProblemHttpResult>> CreateAsync(CreateUserRequest request, CancellationToken ct,
        Func<User, Task<ProblemHttpResult?>>? attach = null)
    {
        if (Validate(request, out var phone) is { } invalid) return invalid;
        var now = clock.GetUtcNow();
        var user = new User
        {
            Id = UserIds.New(),
            Username = request.Username,
            PrimaryPhone = phone,
            Name = request.Name,
            CreatedAt = now,
            UpdatedAt = now,
        };
        user.SetPrimaryEmail(request.PrimaryEmail?.Trim());
        if (await FindConflictAsync(user, ct) is { } conflict) return conflict;
        if (request.Password is not null) user.PasswordHash = await hasher.HashAsync(request.Password, ct);

        db.Users.Add(user);
        if (attach is not null && await attach(user) is { } refused)
        {
            db.ChangeTracker.Clear();
            return refused;
        }
        db.AddIntegrationEvent(new UserRegistered(user.Id, user.Username, user.PrimaryEmail, user.PrimaryPhone));
        if (await SaveAsync(ct) is { } raced) return raced;
        return TypedResults.Created($"/api/users/{user.Id}", UserResponse.From(user));
    }

    /// <summary>Saves, mapping a unique violation (a concurrent writer took the identifier first) to its Logto code.</summary>
    public async Task<ProblemHttpResult?> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
        {
            db.ChangeTracker.Clear();
            return pg.ConstraintName switch
            {
                AccountDbContext.UsernameIndex => UserErrors.UsernameInUse(),
                AccountDbContext.EmailIndex => UserErrors.EmailInUse(),
                AccountDbContext.PhoneIndex => UserErrors.PhoneInUse(),
                AccountDbContext.IdentityIndex or AccountDbContext.IdentityKey or AccountDbContext.SsoIdentityIndex
                    or AccountDbContext.SsoIdentityConnectorIndex => Identities.IdentityRules.AlreadyInUse(),
                _ => throw new InvalidOperationException("Unexpected unique violation", ex),
            };
        }
    }

    /// <summary>Checks the identifiers <paramref name="user"/> would hold against other users (a fast, friendly path; the
    /// unique indexes remain the guarantee).</summary>
    public async Task<ProblemHttpResult?> FindConflictAsync(User user, CancellationToken ct)
    {
        if (user.Username is { } username && await db.Users.AnyAsync(u => u.Username == username && u.Id != user.Id, ct))
            return UserErrors.UsernameInUse();
        if (user.PrimaryEmailNormalized is { } email && await db.Users.AnyAsync(u => u.PrimaryEmailNormalized == email && u.Id != user.Id, ct))
            return UserErrors.EmailInUse();
        if (user.PrimaryPhone is { } phone && await db.Users.AnyAsync(u => u.PrimaryPhone == phone && u.Id != user.Id, ct))
            return UserErrors.PhoneInUse();
        return null;
    }

    private ProblemHttpResult? Validate(CreateUserRequest request, out string? phone)
    {
        phone = null;
        if (request.Username is { } username && !UsernameRules.IsValid(username))
            return UserErrors.InvalidInput("username must start with a letter or underscore and contain only letters, digits and underscores.");
        if (request.PrimaryEmail is { } email && !EmailAddressRules.IsValid(email))
            return UserErrors.InvalidInput("primaryEmail is not a valid email address.");
        if (request.PrimaryPhone is { } rawPhone && (phone = phones.TryNormalize(rawPhone)) is null)
            return UserErrors.InvalidPhone();
        if (request.Password is { } password && (password.Length == 0 || password.Length > MaxPasswordLength))
            return UserErrors.InvalidInput($"password must be 1 to {MaxPasswordLength} characters.");
        if (request.Name is { Length: > 128 })
            return UserErrors.InvalidInput("name must be at most 128 characters.");
        return null;
    }
}
