using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using Npgsql;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>
/// Members as Logto's user objects read from account (issue 14 pt 3) and <c>OrganizationMembershipChanged</c> for every
/// direct change (pt 9), seen in organization's outbox.
/// </summary>
public sealed class OrganizationMembersTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task MembersList_IsLogtosUserObjects_AsAccountHoldsThemNow()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var role = await api.CreateRoleAsync(new { name = UniqueName("viewer") });
        var organizationId = await api.CreateOrganizationIdAsync();
        var username = UniqueName("member");
        var userId = (await CreateUserAsync(api.Management, new { username, primaryEmail = username + "@example.com", name = "Ada", password = OrganizationApi.Password }))
            .GetProperty("id").GetString()!;
        await api.AddMemberAsync(organizationId, userId);
        using (await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users/{userId}/roles", new { organizationRoleIds = new[] { Id(role) } }, Ct)) { }

        var member = await SingleMemberAsync(api, organizationId);
        Assert.Equal(userId, member.GetProperty("id").GetString());
        Assert.Equal(username, member.GetProperty("username").GetString());
        Assert.Equal(username + "@example.com", member.GetProperty("primaryEmail").GetString());
        Assert.Equal("Ada", member.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, member.GetProperty("primaryPhone").ValueKind);
        Assert.Equal(JsonValueKind.Null, member.GetProperty("avatar").ValueKind);
        Assert.False(member.TryGetProperty("passwordHash", out _));
        var organizationRole = Assert.Single(member.GetProperty("organizationRoles").EnumerateArray());
        Assert.Equal(Id(role), organizationRole.GetProperty("id").GetString());
        Assert.Equal(role.GetProperty("name").GetString(), organizationRole.GetProperty("name").GetString());

        // No stale copy: a change in account shows at once.
        using (var patch = await api.Management.PatchAsJsonAsync($"/api/users/{userId}", new { name = "Grace", primaryEmail = username + "@example.org" }, Ct))
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        member = await SingleMemberAsync(api, organizationId);
        Assert.Equal("Grace", member.GetProperty("name").GetString());
        Assert.Equal(username + "@example.org", member.GetProperty("primaryEmail").GetString());
    }

    [Fact]
    public async Task AcceptingAnInvitation_ChecksThePrimaryEmailAccountHoldsNow()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await api.CreateOrganizationIdAsync();
        var local = UniqueName("mover");
        var userId = (await CreateUserAsync(api.Management, new { primaryEmail = local + "@old.example.com", password = OrganizationApi.Password })).GetProperty("id").GetString()!;
        await api.AddMemberAsync(await api.CreateOrganizationIdAsync(), userId); // the replica knows the user
        using (var patch = await api.Management.PatchAsJsonAsync($"/api/users/{userId}", new { primaryEmail = local + "@new.example.com" }, Ct))
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        var invitation = await CreateInvitationAsync(api, local + "@new.example.com", organizationId);
        using (var accept = await api.Management.PutAsJsonAsync($"/api/organization-invitations/{Id(invitation)}/status", new { status = "Accepted", acceptedUserId = userId }, Ct))
            Assert.True(accept.StatusCode == HttpStatusCode.OK, await accept.Content.ReadAsStringAsync(Ct));
        Assert.Equal(userId, Assert.Single((await MembersAsync(api, organizationId)).EnumerateArray()).GetProperty("id").GetString());

        // The address the user had at registration is no longer theirs.
        var old = await CreateInvitationAsync(api, local + "@old.example.com", await api.CreateOrganizationIdAsync());
        await AssertProblemAsync(await api.Management.PutAsJsonAsync($"/api/organization-invitations/{Id(old)}/status",
            new { status = "Accepted", acceptedUserId = userId }, Ct), 422, "request.invalid_input");
    }

    [Fact]
    public async Task DirectMembershipAndRoleChanges_PublishOrganizationMembershipChanged()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var role = await api.CreateRoleAsync(new { name = UniqueName("editor") });
        var organizationId = await api.CreateOrganizationIdAsync();
        var (first, second) = (await api.CreateUserIdAsync(), await api.CreateUserIdAsync());
        await api.AddMemberAsync(organizationId, first);
        // Adding again changes nothing and says nothing.
        using (var again = await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users", new { userIds = new[] { first } }, Ct))
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        using (await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users/{first}/roles", new { organizationRoleIds = new[] { Id(role) } }, Ct)) { }
        using (await api.Management.DeleteAsync($"/api/organizations/{organizationId}/users/{first}/roles/{Id(role)}", Ct)) { }
        await api.AddMemberAsync(organizationId, second);
        // PUT: first leaves, second stays.
        using (var put = await api.Management.PutAsJsonAsync($"/api/organizations/{organizationId}/users", new { userIds = new[] { second } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var remove = await api.Management.DeleteAsync($"/api/organizations/{organizationId}/users/{second}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);

        Assert.Equal(
            [$"{first} Added []", $"{first} RolesChanged [{Id(role)}]", $"{first} RolesChanged []", $"{second} Added []", $"{first} Removed []", $"{second} Removed []"],
            await MembershipEventsAsync(organizationId));
    }

    /// <summary>The organization's <c>OrganizationMembershipChanged</c> outbox rows, in the order they were written.</summary>
    private async Task<string[]> MembershipEventsAsync(string organizationId)
    {
        await using var connection = new NpgsqlConnection(Stack.ConnectionString("organizationdb"));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""
            SELECT payload->>'userId', payload->>'change', payload->'organizationRoleIds' FROM outbox_messages
            WHERE type = 'Auth.Platform.BuildingBlocks.Contracts.OrganizationMembershipChanged' AND payload->>'organizationId' = @p
            ORDER BY created_at, id
            """, connection);
        command.Parameters.AddWithValue("p", organizationId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
            rows.Add($"{reader.GetString(0)} {reader.GetString(1)} [{string.Join(",", JsonSerializer.Deserialize<string[]>(reader.GetString(2))!)}]");
        return [.. rows];
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private static async Task<JsonElement> MembersAsync(OrganizationApi api, string organizationId)
    {
        using var response = await api.Management.GetAsync($"/api/organizations/{organizationId}/users", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private static async Task<JsonElement> SingleMemberAsync(OrganizationApi api, string organizationId) =>
        Assert.Single((await MembersAsync(api, organizationId)).EnumerateArray());

    private static async Task<JsonElement> CreateInvitationAsync(OrganizationApi api, string invitee, string organizationId)
    {
        using var response = await api.Management.PostAsJsonAsync("/api/organization-invitations",
            new { invitee, organizationId, expiresAt = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() }, Ct);
        var json = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }
}
