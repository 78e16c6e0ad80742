using Auth.Platform.Account.Data;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;

namespace Auth.Platform.Account.Users;

/// <summary>
/// Keeps the other services' copies of a user's identifiers current (notification's recipients, organization's directory):
/// a change stages <see cref="UserIdentifiersChanged"/> in the same transaction as the user (outbox).
/// </summary>
public readonly record struct UserIdentifierChanges(string? Username, string? PrimaryEmail, string? PrimaryPhone)
{
    public static UserIdentifierChanges Of(User user) => new(user.Username, user.PrimaryEmail, user.PrimaryPhone);

    /// <summary>Stages the event when <paramref name="user"/>'s identifiers differ from this snapshot; the caller saves.</summary>
    public void StageIfChanged(AccountDbContext db, User user)
    {
        if (Of(user) != this) db.AddIntegrationEvent(new UserIdentifiersChanged(user.Id, user.Username, user.PrimaryEmail, user.PrimaryPhone));
    }
}
