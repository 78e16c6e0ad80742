using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>Logto's organization template (<c>/api/organization-scopes</c>, <c>/api/organization-roles</c>) through the gateway with an M2M token.</summary>
public sealed class OrganizationTemplateTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task Scopes_CreateGetPatchDelete_UseLogtosShape()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var name = UniqueName("read:invoices");
        var created = await api.CreateScopeAsync(name, "Read invoices");
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("default", created.GetProperty("tenantId").GetString());
        Assert.Equal(name, created.GetProperty("name").GetString());
        Assert.Equal("Read invoices", created.GetProperty("description").GetString());

        using (var get = await api.Management.GetAsync($"/api/organization-scopes/{id}", Ct))
            Assert.Equal(created.ToString(), (await ReadJsonAsync(get)).ToString());
        using (var patch = await api.Management.PatchAsJsonAsync($"/api/organization-scopes/{id}", new { description = (string?)null }, Ct))
        {
            var patched = await ReadJsonAsync(patch);
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            Assert.Equal(JsonValueKind.Null, patched.GetProperty("description").ValueKind);
            Assert.Equal(name, patched.GetProperty("name").GetString());
        }
        using (var delete = await api.Management.DeleteAsync($"/api/organization-scopes/{id}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await AssertProblemAsync(await api.Management.GetAsync($"/api/organization-scopes/{id}", Ct), 404, "entity.not_exists_with_id");
    }

    [Fact]
    public async Task Scopes_List_FiltersByQ_AndPaginatesWithTotalNumber()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var marker = "find" + Guid.NewGuid().ToString("N")[..8];
        var b = await api.CreateScopeAsync(marker + ":b");
        var a = await api.CreateScopeAsync(marker + ":a");
        await api.CreateScopeAsync(UniqueName("other"));

        using var first = await api.Management.GetAsync($"/api/organization-scopes?q={marker.ToUpperInvariant()}&page=1&page_size=1", Ct);
        Assert.Equal("2", first.Headers.GetValues("Total-Number").Single());
        Assert.Equal([a.GetProperty("id").GetString()], (await ReadJsonAsync(first)).EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        using var second = await api.Management.GetAsync($"/api/organization-scopes?q={marker}&page=2&page_size=1", Ct);
        Assert.Equal([b.GetProperty("id").GetString()], (await ReadJsonAsync(second)).EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ScopeAndRoleNames_AreUnique_422EntityUniqueIntegrityViolation()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var scope = await api.CreateScopeAsync(UniqueName("scope"));
        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/organization-scopes", new { name = scope.GetProperty("name").GetString() }, Ct),
            422, "entity.unique_integrity_violation");
        var role = await api.CreateRoleAsync(new { name = UniqueName("role") });
        var other = await api.CreateRoleAsync(new { name = UniqueName("role") });
        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/organization-roles", new { name = role.GetProperty("name").GetString() }, Ct),
            422, "entity.unique_integrity_violation");
        await AssertProblemAsync(await api.Management.PatchAsJsonAsync($"/api/organization-roles/{other.GetProperty("id").GetString()}",
            new { name = role.GetProperty("name").GetString() }, Ct), 422, "entity.unique_integrity_violation");
    }

    [Fact]
    public async Task Roles_CreateWithScopes_ListShowsThem_AndTheScopeRoutesManageThem()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var (read, write) = (await api.CreateScopeAsync(UniqueName("read")), await api.CreateScopeAsync(UniqueName("write")));
        var (readId, writeId) = (read.GetProperty("id").GetString()!, write.GetProperty("id").GetString()!);
        var name = UniqueName("admin");
        var role = await api.CreateRoleAsync(new { name, description = "Admins", organizationScopeIds = new[] { readId } });
        var id = role.GetProperty("id").GetString()!;
        Assert.Equal("User", role.GetProperty("type").GetString());
        Assert.Equal("default", role.GetProperty("tenantId").GetString());

        using (var list = await api.Management.GetAsync($"/api/organization-roles?q={name}", Ct))
        {
            var listed = Assert.Single((await ReadJsonAsync(list)).EnumerateArray());
            Assert.Equal([readId], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
            Assert.Equal(0, listed.GetProperty("resourceScopes").GetArrayLength());
        }
        using (var add = await api.Management.PostAsJsonAsync($"/api/organization-roles/{id}/scopes", new { organizationScopeIds = new[] { writeId, readId } }, Ct))
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        Assert.Equal(new[] { readId, writeId }.Order(), await api.RoleScopeIdsAsync(id));

        using (var put = await api.Management.PutAsJsonAsync($"/api/organization-roles/{id}/scopes", new { organizationScopeIds = new[] { writeId } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal([writeId], await api.RoleScopeIdsAsync(id));

        using (var remove = await api.Management.DeleteAsync($"/api/organization-roles/{id}/scopes/{writeId}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Empty(await api.RoleScopeIdsAsync(id));
        await AssertProblemAsync(await api.Management.DeleteAsync($"/api/organization-roles/{id}/scopes/{writeId}", Ct), 404, "entity.not_found");

        // A deleted scope is no longer granted by anyone.
        using (await api.Management.PutAsJsonAsync($"/api/organization-roles/{id}/scopes", new { organizationScopeIds = new[] { readId } }, Ct)) { }
        using (await api.Management.DeleteAsync($"/api/organization-scopes/{readId}", Ct)) { }
        Assert.Empty(await api.RoleScopeIdsAsync(id));

        using (var delete = await api.Management.DeleteAsync($"/api/organization-roles/{id}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await AssertProblemAsync(await api.Management.GetAsync($"/api/organization-roles/{id}/scopes", Ct), 404, "entity.not_exists_with_id");
    }

    [Fact]
    public async Task Roles_WithScopesThatDoNotExist_Return422AndCreateNothing()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var name = UniqueName("ghost");
        using (var create = await api.Management.PostAsJsonAsync("/api/organization-roles", new { name, organizationScopeIds = new[] { "nosuchscope0" } }, Ct))
            await AssertProblemAsync(create, 422, "entity.relation_foreign_key_not_found");
        // API resources do not exist on this platform, so neither does any resource scope.
        using (var create = await api.Management.PostAsJsonAsync("/api/organization-roles", new { name, resourceScopeIds = new[] { "nosuchscope0" } }, Ct))
            await AssertProblemAsync(create, 422, "entity.relation_foreign_key_not_found");
        using (var list = await api.Management.GetAsync($"/api/organization-roles?q={name}", Ct))
            Assert.Equal(0, (await ReadJsonAsync(list)).GetArrayLength());

        var role = await api.CreateRoleAsync(new { name });
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"/api/organization-roles/{role.GetProperty("id").GetString()}/scopes",
            new { organizationScopeIds = new[] { "nosuchscope0" } }, Ct), 422, "entity.relation_foreign_key_not_found");
        await AssertProblemAsync(await api.Management.PutAsJsonAsync("/api/organization-roles/nosuchrole00/scopes",
            new { organizationScopeIds = Array.Empty<string>() }, Ct), 404, "entity.not_exists_with_id");
    }

    [Theory]
    [InlineData("/api/organization-scopes", """{}""")]
    [InlineData("/api/organization-scopes", """{"name":"   "}""")]
    [InlineData("/api/organization-scopes", """{"name":["a"]}""")]
    [InlineData("/api/organization-roles", """{"name":"ok","type":"Admin"}""")]
    [InlineData("/api/organization-roles", """{"name":"ok","organizationScopeIds":"abc"}""")]
    [InlineData("/api/organization-roles", """{"name":"ok","organizationScopeIds":[""]}""")]
    public async Task Create_WithInvalidBody_Returns400GuardInvalidInput(string path, string json)
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        using var response = await api.Management.PostAsync(path, new StringContent(json.Replace("\"ok\"", $"\"{UniqueName("ok")}\""), Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task Template_WithoutAManagementToken_Returns401()
    {
        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };
        await AssertProblemAsync(await anonymous.GetAsync("/api/organization-scopes", Ct), 401, "auth.unauthorized");
        await AssertProblemAsync(await anonymous.GetAsync("/api/organization-roles", Ct), 401, "auth.unauthorized");
    }
}
