namespace Auth.Platform.Organization.Invitations;

/// <summary>Logto's organization invitation (<c>organization_invitations</c>): an email address invited into one organization.</summary>
public sealed class OrganizationInvitation
{
    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    /// <summary>Lower-cased email address.</summary>
    public required string Invitee { get; init; }
    public string? InviterId { get; init; }
    public string Status { get; set; } = InvitationStatus.Pending;
    public string? AcceptedUserId { get; set; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The roles the invitee gets on acceptance (Logto's <c>organization_invitation_role_relations</c>).</summary>
public sealed class OrganizationInvitationRole
{
    public required string InvitationId { get; init; }
    public required string RoleId { get; init; }
}

/// <summary>Pending → Accepted | Revoked | Expired; the last three are final.</summary>
public static class InvitationStatus
{
    public const string Pending = "Pending";
    public const string Accepted = "Accepted";
    public const string Revoked = "Revoked";
    public const string Expired = "Expired";
}
