using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;

namespace Auth.Platform.IntegrationTests.Messaging;

/// <summary>Runs alone: it takes the broker down, which every other publishing test needs.</summary>
[CollectionDefinition(nameof(OutboxTests), DisableParallelization = true)]
public sealed class OutboxCollection;

[Collection(nameof(OutboxTests))]
public sealed class OutboxTests(PlatformStackFixture fixture)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The transactional outbox's promise (reliability F2): a user created while RabbitMQ is down is saved with a pending
    /// event, and the event reaches the consumers once the broker is back, with nothing lost.
    /// </summary>
    [Fact]
    public async Task UserCreatedWhileEventbusStopped_ReachesNotificationAfterEventbusRestarts()
    {
        var stack = fixture.Stack;
        var databases = new MessagingDatabases(stack);
        using var management = await ManagementClientAsync(stack);
        var email = UniqueName("outage") + "@example.com";

        await stack.StopResourceAsync("eventbus");
        string userId;
        try
        {
            userId = (await CreateUserAsync(management, new { username = UniqueName("outage"), primaryEmail = email })).GetProperty("id").GetString()!;

            var pending = await databases.UserRegisteredOutboxRowAsync(userId);
            Assert.NotNull(pending);
            Assert.Null(pending.DispatchedAt);
            Assert.Null(await databases.RecipientEmailAsync(userId));
        }
        finally
        {
            await stack.StartResourceAsync("eventbus");
        }

        Assert.Equal(email, await Eventually.ReturnsAsync(() => databases.RecipientEmailAsync(userId), Delivery, "notification's recipient row"));
        Assert.Equal(email, await Eventually.ReturnsAsync(() => databases.DirectoryEmailAsync(userId), Delivery, "organization's user_directory row"));
        await Eventually.TrueAsync(async () => (await databases.UserRegisteredOutboxRowAsync(userId))?.DispatchedAt is not null, Delivery, "outbox row dispatched");
    }
}
