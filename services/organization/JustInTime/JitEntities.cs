namespace Auth.Platform.Organization.JustInTime;

/// <summary>New users with a verified email in this domain join the organization (Logto's <c>organization_jit_email_domains</c>).</summary>
public sealed class OrganizationJitEmailDomain
{
    public required string OrganizationId { get; init; }
    /// <summary>Lower-cased, without <c>@</c>.</summary>
    public required string EmailDomain { get; init; }
}

/// <summary>The roles a just-in-time member gets (Logto's <c>organization_jit_roles</c>).</summary>
public sealed class OrganizationJitRole
{
    public required string OrganizationId { get; init; }
    public required string RoleId { get; init; }
}

/// <summary>
/// Users signing in through this enterprise SSO connector for the first time join the organization (Logto's
/// <c>organization_jit_sso_connectors</c>). The id is sso-connector's, trusted as given (no foreign key across services).
/// </summary>
public sealed class OrganizationJitSsoConnector
{
    public required string OrganizationId { get; init; }
    public required string SsoConnectorId { get; init; }
}
