using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>Members' organization roles and the scopes they grant (Logto's <c>/api/organizations/{id}/users/…/roles|scopes</c>).</summary>
public sealed class OrganizationMemberRolesTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task MemberRoles_AssignReplaceRemove_ShowInEveryListAndInTheMembersScopes()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var (read, write) = (await api.CreateScopeAsync(UniqueName("read")), await api.CreateScopeAsync(UniqueName("write")));
        var viewer = await api.CreateRoleAsync(new { name = UniqueName("viewer"), organizationScopeIds = new[] { Id(read) } });
        var editor = await api.CreateRoleAsync(new { name = UniqueName("editor"), organizationScopeIds = new[] { Id(read), Id(write) } });
        var organizationId = await api.CreateOrganizationIdAsync();
        var userId = await api.CreateUserIdAsync();
        await api.AddMemberAsync(organizationId, userId);

        using (var assign = await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users/roles",
            new { userIds = new[] { userId }, organizationRoleIds = new[] { Id(viewer) } }, Ct))
            Assert.Equal(HttpStatusCode.Created, assign.StatusCode);
        Assert.Equal([Id(viewer)], await RoleIdsAsync(api, organizationId, userId));
        Assert.Equal([Name(read)], await ScopeNamesAsync(api, organizationId, userId));

        using (var add = await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users/{userId}/roles", new { organizationRoleIds = new[] { Id(editor) } }, Ct))
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        Assert.Equal(new[] { Name(read), Name(write) }.Order(), await ScopeNamesAsync(api, organizationId, userId));

        using (var members = await api.Management.GetAsync($"/api/organizations/{organizationId}/users", Ct))
        {
            var roles = Assert.Single((await ReadJsonAsync(members)).EnumerateArray()).GetProperty("organizationRoles");
            Assert.Equal(new[] { Id(viewer), Id(editor) }.Order(), roles.EnumerateArray().Select(r => r.GetProperty("id").GetString()).Order());
            Assert.All(roles.EnumerateArray(), r => Assert.False(string.IsNullOrEmpty(r.GetProperty("name").GetString())));
        }
        using (var organizations = await api.Management.GetAsync($"/api/users/{userId}/organizations", Ct))
            Assert.Equal(new[] { Name(viewer), Name(editor) }.Order(), Assert.Single((await ReadJsonAsync(organizations)).EnumerateArray())
                .GetProperty("organizationRoles").EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order());
        var membership = Assert.Single((await api.InternalMembershipsAsync(userId)).EnumerateArray());
        Assert.Equal(new[] { Name(read), Name(write) }.Order(), membership.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(new[] { Name(viewer), Name(editor) }.Order(), membership.GetProperty("organizationRoles").EnumerateArray().Select(s => s.GetString()).Order());

        using (var put = await api.Management.PutAsJsonAsync($"/api/organizations/{organizationId}/users/{userId}/roles", new { organizationRoleIds = new[] { Id(editor) } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal([Id(editor)], await RoleIdsAsync(api, organizationId, userId));

        using (var remove = await api.Management.DeleteAsync($"/api/organizations/{organizationId}/users/{userId}/roles/{Id(editor)}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Empty(await RoleIdsAsync(api, organizationId, userId));
        Assert.Empty(await ScopeNamesAsync(api, organizationId, userId));
        await AssertProblemAsync(await api.Management.DeleteAsync($"/api/organizations/{organizationId}/users/{userId}/roles/{Id(editor)}", Ct), 404, "entity.not_found");
    }

    [Fact]
    public async Task LeavingTheOrganization_TakesTheRolesAlong()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var role = await api.CreateRoleAsync(new { name = UniqueName("member") });
        var organizationId = await api.CreateOrganizationIdAsync();
        var userId = await api.CreateUserIdAsync();
        await api.AddMemberAsync(organizationId, userId);
        using (await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users/{userId}/roles", new { organizationRoleIds = new[] { Id(role) } }, Ct)) { }
        Assert.Equal([Id(role)], await RoleIdsAsync(api, organizationId, userId));

        using (await api.Management.DeleteAsync($"/api/organizations/{organizationId}/users/{userId}", Ct)) { }
        await api.AddMemberAsync(organizationId, userId);

        Assert.Empty(await RoleIdsAsync(api, organizationId, userId));
    }

    [Fact]
    public async Task MemberRoles_BadInput_StableCodes()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var machineRole = await api.CreateRoleAsync(new { name = UniqueName("robot"), type = "MachineToMachine" });
        var userRole = await api.CreateRoleAsync(new { name = UniqueName("human") });
        var organizationId = await api.CreateOrganizationIdAsync();
        var (member, outsider) = (await api.CreateUserIdAsync(), await api.CreateUserIdAsync());
        await api.AddMemberAsync(organizationId, member);
        var roles = $"/api/organizations/{organizationId}/users/{member}/roles";

        await AssertProblemAsync(await api.Management.PostAsJsonAsync(roles, new { organizationRoleIds = new[] { Id(machineRole) } }, Ct), 422, "entity.db_constraint_violated");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync(roles, new { organizationRoleIds = new[] { "nosuchrole00" } }, Ct), 422, "entity.relation_foreign_key_not_found");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync(roles, new { organizationRoleIds = Array.Empty<string>() }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users/{outsider}/roles",
            new { organizationRoleIds = new[] { Id(userRole) } }, Ct), 422, "organization.require_membership");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/users/roles",
            new { userIds = new[] { member, outsider }, organizationRoleIds = new[] { Id(userRole) } }, Ct), 422, "organization.require_membership");
        await AssertProblemAsync(await api.Management.GetAsync($"/api/organizations/{organizationId}/users/{outsider}/scopes", Ct), 422, "organization.require_membership");
        await AssertProblemAsync(await api.Management.GetAsync($"/api/organizations/nosuchorg000/users/{member}/roles", Ct), 404, "entity.not_exists_with_id");
        // Nothing of the refused requests was written.
        Assert.Empty(await RoleIdsAsync(api, organizationId, member));

        // A role someone holds keeps its type.
        using (await api.Management.PostAsJsonAsync(roles, new { organizationRoleIds = new[] { Id(userRole) } }, Ct)) { }
        await AssertProblemAsync(await api.Management.PatchAsJsonAsync($"/api/organization-roles/{Id(userRole)}", new { type = "MachineToMachine" }, Ct), 422, "entity.db_constraint_violated");
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;
    private static string Name(JsonElement e) => e.GetProperty("name").GetString()!;

    private static async Task<string[]> RoleIdsAsync(OrganizationApi api, string organizationId, string userId)
    {
        using var response = await api.Management.GetAsync($"/api/organizations/{organizationId}/users/{userId}/roles", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadJsonAsync(response)).EnumerateArray().Select(Id)];
    }

    private static async Task<string[]> ScopeNamesAsync(OrganizationApi api, string organizationId, string userId)
    {
        using var response = await api.Management.GetAsync($"/api/organizations/{organizationId}/users/{userId}/scopes", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadJsonAsync(response)).EnumerateArray().Select(Name)];
    }
}
