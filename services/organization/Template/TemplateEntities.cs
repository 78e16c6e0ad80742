namespace Auth.Platform.Organization.Template;

/// <summary>What scopes and roles of the template share: a unique name and a description.</summary>
public interface ITemplateEntry
{
    string Name { get; set; }
    string? Description { get; set; }
}

/// <summary>A permission of the organization template (Logto's <c>organization_scopes</c>): the same for every organization.</summary>
public sealed class OrganizationScope : ITemplateEntry
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A role of the organization template (Logto's <c>organization_roles</c>): for users or for machine-to-machine applications.</summary>
public sealed class OrganizationRole : ITemplateEntry
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string Type { get; set; } = OrganizationRoleTypes.User;
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A scope a role grants (Logto's <c>organization_role_scope_relations</c>).</summary>
public sealed class OrganizationRoleScope
{
    public required string RoleId { get; init; }
    public required string ScopeId { get; init; }
}

/// <summary>A role a member holds in one organization (Logto's <c>organization_role_user_relations</c>).</summary>
public sealed class OrganizationMemberRole
{
    public required string OrganizationId { get; init; }
    public required string UserId { get; init; }
    public required string RoleId { get; init; }
}

public static class OrganizationRoleTypes
{
    public const string User = "User";
    public const string MachineToMachine = "MachineToMachine";
    public static readonly string[] All = [User, MachineToMachine];
}
