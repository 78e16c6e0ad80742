using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Platform.Organization.Organizations;

/// <summary>
/// The organization as Logto's Management API shows it: camelCase, <c>createdAt</c> in epoch milliseconds, a
/// <c>tenantId</c> (always <c>default</c>: one tenant per deployment), <c>description</c> written even when null because
/// Logto clients read every key. <c>organizationRoles</c> only in a user's list of organizations.
/// </summary>
public sealed record OrganizationResponse(
    string Id,
    string TenantId,
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Description,
    JsonElement CustomData,
    bool IsMfaRequired,
    JsonElement Branding,
    long CreatedAt,
    OrganizationRoleSummary[]? OrganizationRoles = null)
{
    public const string DefaultTenantId = "default";

    public static OrganizationResponse From(OrganizationEntity o) => new(
        o.Id, DefaultTenantId, o.Name, o.Description, Parse(o.CustomData), o.IsMfaRequired, Parse(o.Branding),
        o.CreatedAt.ToUnixTimeMilliseconds());

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
