using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>Logto's just-in-time provisioning by email domain (<c>/api/organizations/{id}/jit/email-domains|roles</c>).</summary>
public sealed class OrganizationJitTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task NewUserWithAnEmailInTheDomain_JoinsWithTheDefaultRoles_OthersDoNot()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var role = await api.CreateRoleAsync(new { name = UniqueName("member") });
        var organizationId = await api.CreateOrganizationIdAsync();
        var domain = UniqueName("corp").Replace("_", "-") + ".example";
        using (var add = await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/jit/email-domains", new { emailDomain = domain.ToUpperInvariant() }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
            Assert.Equal(domain, (await ReadJsonAsync(add)).GetProperty("emailDomain").GetString());
        }
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/jit/email-domains", new { emailDomain = domain }, Ct),
            422, "entity.unique_integrity_violation");
        using (var roles = await api.Management.PutAsJsonAsync($"/api/organizations/{organizationId}/jit/roles", new { organizationRoleIds = new[] { Id(role) } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, roles.StatusCode);
        using (var roles = await api.Management.GetAsync($"/api/organizations/{organizationId}/jit/roles", Ct))
            Assert.Equal([Id(role)], (await ReadJsonAsync(roles)).EnumerateArray().Select(Id));

        // An outsider registers first: once the insider is provisioned, the outsider's event (published before) has been handled too.
        var outsider = await CreateUserIdAsync(api, UniqueName("out") + "@elsewhere.example");
        var insider = await CreateUserIdAsync(api, UniqueName("in") + "@" + domain);

        await Eventually.TrueAsync(async () =>
        {
            using var members = await api.Management.GetAsync($"/api/organizations/{organizationId}/users", Ct);
            return (await ReadJsonAsync(members)).GetArrayLength() > 0;
        }, OrganizationApi.Replication, "just-in-time membership");
        using (var members = await api.Management.GetAsync($"/api/organizations/{organizationId}/users", Ct))
        {
            var member = Assert.Single((await ReadJsonAsync(members)).EnumerateArray());
            Assert.Equal(insider, Id(member));
            Assert.Equal([Id(role)], member.GetProperty("organizationRoles").EnumerateArray().Select(Id));
        }
        await Eventually.TrueAsync(async () =>
        {
            using var organizations = await api.Management.GetAsync($"/api/users/{outsider}/organizations", Ct);
            return organizations.StatusCode == HttpStatusCode.OK && (await ReadJsonAsync(organizations)).GetArrayLength() == 0;
        }, OrganizationApi.Replication, "outsider known and in no organization");
    }

    [Fact]
    public async Task EmailDomains_PutListDelete_AndBadInput()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await api.CreateOrganizationIdAsync();
        var path = $"/api/organizations/{organizationId}/jit/email-domains";
        using (var put = await api.Management.PutAsJsonAsync(path, new { emailDomains = new[] { "b.example", "a.example" } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var list = await api.Management.GetAsync(path, Ct))
            Assert.Equal(["a.example", "b.example"], (await ReadJsonAsync(list)).EnumerateArray().Select(d => d.GetProperty("emailDomain").GetString()));
        using (var delete = await api.Management.DeleteAsync(path + "/a.example", Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await AssertProblemAsync(await api.Management.DeleteAsync(path + "/a.example", Ct), 404, "entity.not_found");

        await AssertProblemAsync(await api.Management.PostAsJsonAsync(path, new { emailDomain = "user@a.example" }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync(path, new { emailDomain = "localhost" }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/organizations/nosuchorg000/jit/email-domains", new { emailDomain = "a.example" }, Ct),
            404, "entity.not_exists_with_id");
        var machineRole = await api.CreateRoleAsync(new { name = UniqueName("robot"), type = "MachineToMachine" });
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/jit/roles", new { organizationRoleIds = new[] { Id(machineRole) } }, Ct),
            422, "entity.db_constraint_violated");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync($"/api/organizations/{organizationId}/jit/roles", new { organizationRoleIds = new[] { "nosuchrole00" } }, Ct),
            422, "entity.relation_foreign_key_not_found");
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private static async Task<string> CreateUserIdAsync(OrganizationApi api, string email) =>
        (await CreateUserAsync(api.Management, new { primaryEmail = email, password = OrganizationApi.Password })).GetProperty("id").GetString()!;
}
