using System.Net;
using System.Net.Http.Json;
using Auth.Platform.IntegrationTests.Messaging;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>Issue 13 pt 6: an identifier change reaches every service's copy of the user (UserIdentifiersChanged, outbox).</summary>
public sealed class UserIdentifierCopiesTests(PlatformStackFixture fixture)
{
    private static readonly TimeSpan Replication = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PatchUserEmail_ReachesNotificationAndOrganizationCopies()
    {
        var stack = fixture.Stack;
        var databases = new MessagingDatabases(stack);
        using var management = await ManagementClientAsync(stack);
        var oldEmail = UniqueName("old") + "@example.com";
        var id = (await CreateUserAsync(management, new { username = UniqueName("copy"), primaryEmail = oldEmail })).GetProperty("id").GetString()!;
        await Eventually.TrueAsync(async () => await databases.RecipientEmailAsync(id) == oldEmail, Replication, "notification has the first email");
        await Eventually.TrueAsync(async () => await databases.DirectoryEmailAsync(id) == oldEmail.ToLowerInvariant(), Replication, "organization has the first email");
        var newEmail = UniqueName("New") + "@Example.com";

        using var patched = await management.PatchAsJsonAsync($"/api/users/{id}", new { primaryEmail = newEmail }, Ct);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await Eventually.TrueAsync(async () => await databases.RecipientEmailAsync(id) == newEmail, Replication, "notification has the new email");
        await Eventually.TrueAsync(async () => await databases.DirectoryEmailAsync(id) == newEmail.ToLowerInvariant(), Replication, "organization has the new email");
    }
}
