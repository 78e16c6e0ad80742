namespace Auth.Platform.Organization.Applications;

/// <summary>A machine-to-machine application's membership of an organization (Logto's <c>organization_application_relations</c>).</summary>
public sealed class OrganizationApplication
{
    public required string OrganizationId { get; init; }
    /// <summary>signin's client id (Logto's application id, 21 characters).</summary>
    public required string ApplicationId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A role a member application holds in one organization (Logto's <c>organization_role_application_relations</c>); type MachineToMachine only.</summary>
public sealed class OrganizationApplicationRole
{
    public required string OrganizationId { get; init; }
    public required string ApplicationId { get; init; }
    public required string RoleId { get; init; }
}
