using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;

namespace Auth.Platform.IntegrationTests.Messaging;

public sealed class DuplicateDeliveryTests(PlatformStackFixture fixture)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    /// <summary>
    /// At-least-once delivery means the same MessageId can arrive twice (reliability F4). The replayed event would
    /// recreate the recipient if notification handled it again; its inbox must skip it instead.
    /// </summary>
    [Fact]
    public async Task SameMessageIdPublishedTwice_HasOneEffect()
    {
        var stack = fixture.Stack;
        var databases = new MessagingDatabases(stack);
        using var management = await ManagementClientAsync(stack);
        var userId = (await CreateUserAsync(management, new { primaryEmail = UniqueName("twice") + "@example.com" })).GetProperty("id").GetString()!;
        await Eventually.ReturnsAsync(() => databases.RecipientEmailAsync(userId), Delivery, "first delivery");
        var row = await Eventually.ReturnsAsync(async () => await databases.UserRegisteredOutboxRowAsync(userId) is { DispatchedAt: not null } r ? r : null, Delivery, "first dispatch");

        // A change after the first delivery that a second handling of the same event would undo.
        await databases.DeleteRecipientAsync(userId);
        await databases.ReplayOutboxRowAsync(row.Id);
        await Eventually.TrueAsync(async () => (await databases.UserRegisteredOutboxRowAsync(userId))?.DispatchedAt is not null, Delivery, "second dispatch");
        // A later event on the same queue: once it has been handled, the duplicate ahead of it has been too.
        var sentinel = (await CreateUserAsync(management, new { primaryEmail = UniqueName("sentinel") + "@example.com" })).GetProperty("id").GetString()!;
        await Eventually.ReturnsAsync(() => databases.RecipientEmailAsync(sentinel), Delivery, "sentinel delivery");

        Assert.Null(await databases.RecipientEmailAsync(userId));
        Assert.Equal(1, await databases.InboxCountAsync("notificationdb", row.Id));
        Assert.Equal(1, await databases.InboxCountAsync("organizationdb", row.Id));
    }
}
