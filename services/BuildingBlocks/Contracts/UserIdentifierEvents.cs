namespace Auth.Platform.BuildingBlocks.Contracts;

/// <summary>
/// A user's sign-in identifiers changed (account service): the values after the change, all three, so a consumer's copy
/// becomes exactly account's whatever it held before.
/// </summary>
public sealed record UserIdentifiersChanged(string UserId, string? Username, string? PrimaryEmail, string? PrimaryPhone) : IntegrationEvent;
