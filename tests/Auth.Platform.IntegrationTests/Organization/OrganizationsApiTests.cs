using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>Logto's Management API for organizations and members, through the gateway with an M2M token.</summary>
public sealed class OrganizationsApiTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task CreateGetPatchDelete_UseLogtosOrganizationShape()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var name = UniqueName("Acme");
        var created = await api.CreateOrganizationAsync(new { name, description = "Rockets", customData = new { plan = "pro" } });
        var id = created.GetProperty("id").GetString()!;
        Assert.Matches("^[a-z0-9]{12}$", id);
        Assert.Equal("default", created.GetProperty("tenantId").GetString());
        Assert.Equal(name, created.GetProperty("name").GetString());
        Assert.Equal("Rockets", created.GetProperty("description").GetString());
        Assert.Equal("pro", created.GetProperty("customData").GetProperty("plan").GetString());
        Assert.False(created.GetProperty("isMfaRequired").GetBoolean());
        Assert.Equal(JsonValueKind.Object, created.GetProperty("branding").ValueKind);
        Assert.InRange(created.GetProperty("createdAt").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());

        using (var get = await api.Management.GetAsync($"/api/organizations/{id}", Ct))
            Assert.Equal(created.ToString(), (await ReadJsonAsync(get)).ToString());

        using (var patch = await api.Management.PatchAsJsonAsync($"/api/organizations/{id}", new { isMfaRequired = true, description = (string?)null, branding = new { logoUrl = "https://example.com/logo.png" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            var patched = await ReadJsonAsync(patch);
            Assert.True(patched.GetProperty("isMfaRequired").GetBoolean());
            Assert.Equal(JsonValueKind.Null, patched.GetProperty("description").ValueKind);
            Assert.Equal(name, patched.GetProperty("name").GetString());
            Assert.Equal("https://example.com/logo.png", patched.GetProperty("branding").GetProperty("logoUrl").GetString());
        }

        using (var delete = await api.Management.DeleteAsync($"/api/organizations/{id}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await AssertProblemAsync(await api.Management.GetAsync($"/api/organizations/{id}", Ct), 404, "entity.not_exists_with_id");
        await AssertProblemAsync(await api.Management.DeleteAsync($"/api/organizations/{id}", Ct), 404, "entity.not_exists_with_id");
    }

    [Fact]
    public async Task List_FiltersByQ_AndPaginatesWithTotalNumber()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var marker = "find" + Guid.NewGuid().ToString("N")[..8];
        var older = await api.CreateOrganizationAsync(new { name = marker + " one" });
        var newer = await api.CreateOrganizationAsync(new { name = "two", description = "about " + marker.ToUpperInvariant() });
        await api.CreateOrganizationAsync(new { name = UniqueName("other") });

        using var first = await api.Management.GetAsync($"/api/organizations?q={marker}&page=1&page_size=1", Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("2", first.Headers.GetValues("Total-Number").Single());
        Assert.Equal([newer.GetProperty("id").GetString()], (await ReadJsonAsync(first)).EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        using var second = await api.Management.GetAsync($"/api/organizations?q={marker}&page=2&page_size=1", Ct);
        Assert.Equal([older.GetProperty("id").GetString()], (await ReadJsonAsync(second)).EnumerateArray().Select(o => o.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"name":"   "}""")]
    [InlineData("""{"name":5}""")]
    [InlineData("""{"name":"ok","customData":[1]}""")]
    [InlineData("""{"name":"ok","isMfaRequired":"yes"}""")]
    [InlineData("""{"name":"ok","branding":{"logoUrl":"not a url"}}""")]
    [InlineData("""{"name":"ok","branding":{"color":"#fff"}}""")]
    public async Task Create_WithInvalidBody_Returns400GuardInvalidInput(string json)
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        using var response = await api.Management.PostAsync("/api/organizations", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Theory]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"isMfaRequired":null}""")]
    [InlineData("""{"tenantId":"other"}""")]
    [InlineData("""[]""")]
    public async Task Patch_WithInvalidBody_Returns400GuardInvalidInput(string json)
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var id = await api.CreateOrganizationIdAsync();
        using var response = await api.Management.PatchAsync($"/api/organizations/{id}", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task OrganizationsApi_WithoutAManagementToken_Returns401()
    {
        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };
        await AssertProblemAsync(await anonymous.GetAsync("/api/organizations", Ct), 401, "auth.unauthorized");
        await AssertProblemAsync(await anonymous.GetAsync("/api/users/abcdefghijkl/organizations", Ct), 401, "auth.unauthorized");
    }

    [Fact]
    public async Task Members_AddListRemove_AndTheUsersOrganizationsFollow()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var id = await api.CreateOrganizationIdAsync(isMfaRequired: true);
        var userId = await api.CreateUserIdAsync();
        await api.AddMemberAsync(id, userId);
        // Adding again is not an error.
        using (var again = await api.Management.PostAsJsonAsync($"/api/organizations/{id}/users", new { userIds = new[] { userId } }, Ct))
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);

        using (var members = await api.Management.GetAsync($"/api/organizations/{id}/users", Ct))
        {
            var list = await ReadJsonAsync(members);
            Assert.Equal([userId], list.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
            Assert.Equal(0, list[0].GetProperty("organizationRoles").GetArrayLength());
            Assert.Equal("1", members.Headers.GetValues("Total-Number").Single());
        }
        using (var organizations = await api.Management.GetAsync($"/api/users/{userId}/organizations", Ct))
        {
            var list = await ReadJsonAsync(organizations);
            Assert.Equal([id], list.EnumerateArray().Select(o => o.GetProperty("id").GetString()));
            Assert.Equal(0, list[0].GetProperty("organizationRoles").GetArrayLength());
        }
        var memberships = await api.InternalMembershipsAsync(userId);
        Assert.Equal(id, memberships[0].GetProperty("organizationId").GetString());
        Assert.True(memberships[0].GetProperty("isMfaRequired").GetBoolean());

        using (var remove = await api.Management.DeleteAsync($"/api/organizations/{id}/users/{userId}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        await AssertProblemAsync(await api.Management.DeleteAsync($"/api/organizations/{id}/users/{userId}", Ct), 404, "entity.not_found");
        using (var organizations = await api.Management.GetAsync($"/api/users/{userId}/organizations", Ct))
            Assert.Equal(0, (await ReadJsonAsync(organizations)).GetArrayLength());
        Assert.Equal(0, (await api.InternalMembershipsAsync(userId)).GetArrayLength());
    }

    [Fact]
    public async Task Members_Put_ReplacesTheMemberList()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var id = await api.CreateOrganizationIdAsync();
        var (first, second) = (await api.CreateUserIdAsync(), await api.CreateUserIdAsync());
        await api.AddMemberAsync(id, first);
        await api.AddMemberAsync(await api.CreateOrganizationIdAsync(), second); // waits until the replica knows `second`

        using (var put = await api.Management.PutAsJsonAsync($"/api/organizations/{id}/users", new { userIds = new[] { second } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var members = await api.Management.GetAsync($"/api/organizations/{id}/users", Ct))
            Assert.Equal([second], (await ReadJsonAsync(members)).EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        using (var empty = await api.Management.PutAsJsonAsync($"/api/organizations/{id}/users", new { userIds = Array.Empty<string>() }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        using (var members = await api.Management.GetAsync($"/api/organizations/{id}/users", Ct))
            Assert.Equal(0, (await ReadJsonAsync(members)).GetArrayLength());
    }

    [Fact]
    public async Task Members_AddUnknownUser_Returns422WithTheUnknownIds_AndAddsNobody()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var id = await api.CreateOrganizationIdAsync();
        var known = await api.CreateUserIdAsync();
        await api.AddMemberAsync(await api.CreateOrganizationIdAsync(), known); // the replica knows `known` now

        using var response = await api.Management.PostAsJsonAsync($"/api/organizations/{id}/users", new { userIds = new[] { known, "nosuchuser00" } }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("entity.relation_foreign_key_not_found", problem.GetProperty("code").GetString());
        Assert.Equal(["nosuchuser00"], problem.GetProperty("data").GetProperty("userIds").EnumerateArray().Select(e => e.GetString()));
        using var members = await api.Management.GetAsync($"/api/organizations/{id}/users", Ct);
        Assert.Equal(0, (await ReadJsonAsync(members)).GetArrayLength());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"userIds":[]}""")]
    [InlineData("""{"userIds":"abc"}""")]
    [InlineData("""{"userIds":[""]}""")]
    public async Task Members_AddWithInvalidBody_Returns400GuardInvalidInput(string json)
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var id = await api.CreateOrganizationIdAsync();
        using var response = await api.Management.PostAsync($"/api/organizations/{id}/users", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task Members_OfAnUnknownOrganization_Return404()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/organizations/nosuchorg000/users", new { userIds = new[] { "abc" } }, Ct), 404, "entity.not_exists_with_id");
        await AssertProblemAsync(await api.Management.GetAsync("/api/organizations/nosuchorg000/users", Ct), 404, "entity.not_exists_with_id");
        await AssertProblemAsync(await api.Management.GetAsync("/api/users/nosuchuser00/organizations", Ct), 404, "user.not_found");
    }

    [Fact]
    public async Task UserDeletedInAccount_LeavesEveryOrganization()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var (a, b) = (await api.CreateOrganizationIdAsync(), await api.CreateOrganizationIdAsync());
        var userId = await api.CreateUserIdAsync();
        await api.AddMemberAsync(a, userId);
        await api.AddMemberAsync(b, userId);
        Assert.Equal(2, (await api.InternalMembershipsAsync(userId)).GetArrayLength());

        using (var delete = await api.Management.DeleteAsync($"/api/users/{userId}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await Eventually.TrueAsync(async () => (await api.InternalMembershipsAsync(userId)).GetArrayLength() == 0, OrganizationApi.Replication, "memberships removed");
        using (var members = await api.Management.GetAsync($"/api/organizations/{a}/users", Ct))
            Assert.Equal(0, (await ReadJsonAsync(members)).GetArrayLength());
        await AssertProblemAsync(await api.Management.GetAsync($"/api/users/{userId}/organizations", Ct), 404, "user.not_found");
        // Gone from the replica too: it cannot be added back.
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"/api/organizations/{a}/users", new { userIds = new[] { userId } }, Ct), 422, "entity.relation_foreign_key_not_found");
    }

    /// <summary>Without or with the wrong token it is refused like every internal route (InternalUsersApiAuthorizationTests).</summary>
    [Fact]
    public async Task InternalMemberships_AreNotRoutedByTheGateway()
    {
        using var gateway = new HttpClient { BaseAddress = Stack.GatewayUrl };
        using var response = await gateway.GetAsync("/internal/organizations/users/abcdefghijkl/memberships", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
