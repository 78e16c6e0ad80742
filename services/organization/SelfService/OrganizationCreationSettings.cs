namespace Auth.Platform.Organization.SelfService;

/// <summary>
/// Whether users may create organizations themselves (issue 14 pt 8, beyond Logto, where only the Management API can):
/// one row (<c>id = 1</c>). <c>Off</c> until an administrator allows it; the creator becomes a member holding
/// <see cref="OwnerRoleId"/> when one is set.
/// </summary>
public sealed class OrganizationCreationSettings
{
    public const int SingletonId = 1;
    public int Id { get; init; } = SingletonId;
    public string OrganizationCreation { get; set; } = OrganizationCreationModes.Off;
    public string? OwnerRoleId { get; set; }
}

public static class OrganizationCreationModes
{
    public const string Off = "Off";
    public const string Users = "Users";
    public static readonly string[] All = [Off, Users];
}
