namespace Auth.Platform.BuildingBlocks.Contracts;

/// <summary>
/// organization created (or resent) an invitation whose message notification must email to <paramref name="Invitee"/>
/// with Logto's <c>OrganizationInvitation</c> template; <paramref name="Link"/> is the integrator's landing URL
/// (Logto's <c>messagePayload.link</c>). Not worth sending after <paramref name="ExpiresAt"/>.
/// </summary>
public sealed record MemberInvited(string InvitationId, string OrganizationId, string OrganizationName, string Invitee, string? InviterId,
    string Link, string? Locale, DateTimeOffset ExpiresAt) : IntegrationEvent;

/// <summary>
/// A user's membership of an organization or roles in it changed (Logto's <c>Organization.Membership.Updated</c>):
/// <paramref name="Change"/> is <c>Added</c>, <c>Removed</c> or <c>RolesChanged</c>; <paramref name="OrganizationRoleIds"/>
/// the roles held afterwards.
/// </summary>
public sealed record OrganizationMembershipChanged(string OrganizationId, string UserId, string Change, string[] OrganizationRoleIds) : IntegrationEvent;
