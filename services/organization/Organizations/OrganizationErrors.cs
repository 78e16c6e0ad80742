using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Organization.Organizations;

/// <summary>The problems the organization APIs answer with; codes are Logto's.</summary>
public static class OrganizationErrors
{
    public static ProblemHttpResult NotFound(string id) =>
        PlatformProblems.Create(404, "entity.not_exists_with_id", "The organization does not exist.", new { name = "organizations", id });

    public static ProblemHttpResult NotAMember() =>
        PlatformProblems.Create(404, "entity.not_found", "The user is not a member of the organization.");

    public static ProblemHttpResult UserNotFound() => PlatformProblems.Create(404, "user.not_found", "The user does not exist.");

    /// <summary>Logto's code when a relation points to a row that does not exist (a foreign key violation there).</summary>
    public static ProblemHttpResult UnknownUsers(IReadOnlyCollection<string> userIds) =>
        PlatformProblems.Create(422, "entity.relation_foreign_key_not_found", "Some users do not exist.", new { userIds });

    public static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);

    /// <summary>account (members' profiles, the invitee's current email) could not answer.</summary>
    public static ProblemHttpResult DirectoryUnavailable() =>
        PlatformProblems.Create(503, "request.service_unavailable", "The user directory is unavailable; retry shortly.");
}
