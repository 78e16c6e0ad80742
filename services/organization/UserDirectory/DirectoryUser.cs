namespace Auth.Platform.Organization.UserDirectory;

/// <summary>A replica of the directory's users, enough to match invitations and JIT email domains without calling account.</summary>
public sealed class DirectoryUser
{
    public required string UserId { get; init; }
    /// <summary>Lower-cased, as account compares emails.</summary>
    public string? PrimaryEmail { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
