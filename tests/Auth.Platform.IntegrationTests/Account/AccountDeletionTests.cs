using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Organization;
using Auth.Platform.Testing;
using Npgsql;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

// Stops the organization and mfa services, which other tests need: runs alone, after the parallel collections.
[CollectionDefinition(nameof(AccountDeletionOutageTests), DisableParallelization = true)]
public sealed class AccountDeletionOutageCollection;

/// <summary>
/// Issue 13 pt 5: a deleted user leaves no row in any database, even when services were down when it happened (the
/// outbox keeps <c>UserDeleted</c> until each consumer is back).
/// </summary>
[Collection(nameof(AccountDeletionOutageTests))]
public sealed class AccountDeletionOutageTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task DeleteUser_WhileOrganizationAndMfaAreDown_LeavesNoRowOfTheUserInAnyDatabaseOnceTheyAreBack()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (userId, tokens) = await api.RegisterAsync(clientId, "openid offline_access");
        var organizationId = await api.CreateOrganizationIdAsync();
        await api.AddMemberAsync(organizationId, userId);
        using (var totp = await api.Management.PostAsJsonAsync($"/api/users/{userId}/mfa-verifications", new { type = "Totp" }, Ct))
            Assert.True(totp.IsSuccessStatusCode, await totp.Content.ReadAsStringAsync(Ct));
        using (var codes = await api.Management.PostAsJsonAsync($"/api/users/{userId}/mfa-verifications", new { type = "BackupCode" }, Ct))
            Assert.True(codes.IsSuccessStatusCode, await codes.Content.ReadAsStringAsync(Ct));
        using (var pat = await api.Management.PostAsJsonAsync($"/api/users/{userId}/personal-access-tokens", new { name = "ci" }, Ct))
            Assert.Equal(HttpStatusCode.Created, pat.StatusCode);
        var traces = new UserTraces(Stack);
        // Every service holds something of this user before the delete (so the final zero is not vacuous).
        foreach (var database in UserTraces.Databases)
            await Eventually.TrueAsync(async () => await traces.CountAsync(database, userId) > 0, OrganizationApi.Replication, $"{database} knows the user");

        await Stack.StopResourceAsync("organization");
        await Stack.StopResourceAsync("mfa");
        try
        {
            using var deleted = await api.Management.DeleteAsync($"/api/users/{userId}", Ct);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.Equal(0, await traces.CountAsync("accountdb", userId));
            // The services that are up purge at once; the refresh token is dead.
            await Eventually.TrueAsync(async () => await traces.CountAsync("signindb", userId) == 0, OrganizationApi.Replication, "signin purged the user");
            var refreshed = await api.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!));
            Assert.Equal("invalid_grant", refreshed.Body.GetProperty("error").GetString());
            Assert.True(await traces.CountAsync("mfadb", userId) > 0, "mfa was down: its rows are still there");
        }
        finally
        {
            await Stack.StartResourceAsync("mfa");
            await Stack.StartResourceAsync("organization");
        }

        foreach (var database in UserTraces.Databases)
            await Eventually.TrueAsync(async () => await traces.CountAsync(database, userId) == 0, OrganizationApi.Replication, $"{database} purged the user");
    }
}

/// <summary>The Account API's self-service deletion (beyond Logto, which only links out).</summary>
[Collection(AccountCenterCollection.Name)]
public sealed class MyAccountDeletionTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync() => await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { name = "Edit" } });

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    [Fact]
    public async Task DeleteMyAccount_WithoutStepUp_Returns401AndKeepsTheAccount()
    {
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Delete, "/api/my-account", user.AccessToken);

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
        Assert.Equal(user.UserId, (await ReadUserAsync(Stack, user.UserId)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task DeleteMyAccount_FromAThirdPartyApp_Returns403()
    {
        var user = await _session.SignInWithThirdPartyAppAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Delete, "/api/my-account", user.AccessToken);

        await AssertProblemAsync(response, 403, "auth.third_party_application_forbidden");
    }

    [Fact]
    public async Task DeleteMyAccount_WithStepUp_DeletesTheUser_WhoThenSignsInLikeAnUnknownUser()
    {
        var user = await _session.SignInAsync("openid profile");
        var record = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Delete, "/api/my-account", user.AccessToken, verificationId: record);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var management = await ManagementClientAsync(Stack);
        using var gone = await management.GetAsync($"/api/users/{user.UserId}", Ct);
        await AssertProblemAsync(gone, 404, "user.not_found");
        using var again = await _session.SendAsync(HttpMethod.Get, "/api/my-account", user.AccessToken);
        await AssertProblemAsync(again, 404, "user.not_found");
        // The password check answers exactly as for a username that never existed.
        Assert.Equal(await VerifyAsync(UniqueName("never")), await VerifyAsync(user.Username));
    }

    private async Task<string> VerifyAsync(string username)
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("account") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await Stack.ServiceTokenAsync(Ct));
        using var response = await http.PostAsJsonAsync("/internal/users/verify-password",
            new { identifier = new { type = "username", value = username }, password = MyAccountSession.Password }, Ct);
        var body = await ReadJsonAsync(response);
        return $"{(int)response.StatusCode} {body.GetProperty("code").GetString()}";
    }
}

/// <summary>Counts a user's rows in each service's database, through the stack's connection strings (read only).</summary>
internal sealed class UserTraces(PlatformStack stack)
{
    public static readonly string[] Databases = ["accountdb", "signindb", "mfadb", "organizationdb", "notificationdb"];

    private static readonly Dictionary<string, string> Queries = new()
    {
        ["accountdb"] = """
            SELECT (SELECT count(*) FROM users WHERE id = @p) + (SELECT count(*) FROM personal_access_tokens WHERE user_id = @p)
                 + (SELECT count(*) FROM verification_records WHERE user_id = @p)
            """,
        ["signindb"] = """
            SELECT (SELECT count(*) FROM signin_sessions WHERE user_id = @p) + (SELECT count(*) FROM terms_acceptances WHERE user_id = @p)
                 + (SELECT count(*) FROM "OpenIddictTokens" WHERE subject = @p) + (SELECT count(*) FROM "OpenIddictAuthorizations" WHERE subject = @p)
            """,
        ["mfadb"] = """
            SELECT (SELECT count(*) FROM mfa_factors WHERE user_id = @p) + (SELECT count(*) FROM mfa_backup_codes WHERE user_id = @p)
                 + (SELECT count(*) FROM mfa_challenges WHERE user_id = @p) + (SELECT count(*) FROM mfa_user_settings WHERE user_id = @p)
                 + (SELECT count(*) FROM mfa_attempts WHERE user_id = @p)
            """,
        ["organizationdb"] = """
            SELECT (SELECT count(*) FROM user_directory WHERE user_id = @p) + (SELECT count(*) FROM organization_users WHERE user_id = @p)
                 + (SELECT count(*) FROM organization_user_roles WHERE user_id = @p)
                 + (SELECT count(*) FROM organization_invitations WHERE inviter_id = @p OR accepted_user_id = @p)
            """,
        ["notificationdb"] = "SELECT count(*) FROM recipients WHERE user_id = @p",
    };

    public async Task<long> CountAsync(string database, string userId)
    {
        await using var connection = new NpgsqlConnection(stack.ConnectionString(database));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(Queries[database], connection);
        command.Parameters.AddWithValue("p", userId);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
