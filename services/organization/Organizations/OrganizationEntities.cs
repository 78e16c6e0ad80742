using System.Security.Cryptography;

namespace Auth.Platform.Organization.Organizations;

/// <summary>Logto's organization (<c>packages/schemas/tables/organizations.sql</c>); JSON columns hold objects as text.</summary>
public sealed class OrganizationEntity
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string CustomData { get; set; } = "{}";
    public bool IsMfaRequired { get; set; }
    public string Branding { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A user's membership of an organization (Logto's <c>organization_user_relations</c>).</summary>
public sealed class OrganizationMember
{
    public required string OrganizationId { get; init; }
    public required string UserId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Logto-style ids: 12 characters of <c>[a-z0-9]</c> from the CSPRNG, so organization ids are not guessable.</summary>
public static class OrganizationIds
{
    public const int Length = 12;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);
}
