using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>Users create organizations themselves when the tenant allows it (issue 14 pt 8), with their own access token.</summary>
public sealed class MyOrganizationsTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    /// <summary>One test: the setting is tenant-wide, so its states are walked in order rather than raced by parallel tests.</summary>
    [Fact]
    public async Task CreatingAnOrganization_FollowsTheTenantSetting_AndMakesTheCreatorAnOwner()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var owner = await api.CreateRoleAsync(new { name = UniqueName("owner") });
        var machineRole = await api.CreateRoleAsync(new { name = UniqueName("robot"), type = "MachineToMachine" });
        var (userId, tokens) = await api.RegisterAsync(await api.CreateSpaAsync(), "openid offline_access");
        using var user = new HttpClient { BaseAddress = Stack.GatewayUrl };
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());

        using (var off = await api.Management.PatchAsJsonAsync("/api/organization-settings", new { organizationCreation = "Off" }, Ct))
            Assert.Equal("Off", (await ReadJsonAsync(off)).GetProperty("organizationCreation").GetString());
        await AssertProblemAsync(await user.PostAsJsonAsync("/api/my-account/organizations", new { name = "Mine" }, Ct), 403, "organization.creation_disabled");

        await AssertProblemAsync(await api.Management.PatchAsJsonAsync("/api/organization-settings", new { ownerOrganizationRoleId = Id(machineRole) }, Ct), 422, "entity.db_constraint_violated");
        await AssertProblemAsync(await api.Management.PatchAsJsonAsync("/api/organization-settings", new { organizationCreation = "Everyone" }, Ct), 400, "guard.invalid_input");
        using (var on = await api.Management.PatchAsJsonAsync("/api/organization-settings", new { organizationCreation = "Users", ownerOrganizationRoleId = Id(owner) }, Ct))
        {
            var settings = await ReadJsonAsync(on);
            Assert.Equal("Users", settings.GetProperty("organizationCreation").GetString());
            Assert.Equal(Id(owner), settings.GetProperty("ownerOrganizationRoleId").GetString());
        }
        await AssertProblemAsync(await user.PostAsJsonAsync("/api/my-account/organizations", new { name = "" }, Ct), 400, "guard.invalid_input");
        // A Management API token is not a user's token.
        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/my-account/organizations", new { name = "Mine" }, Ct), 403, "auth.forbidden");

        var name = UniqueName("Mine");
        JsonElement created = default;
        // The organization service learns the new user from account's event.
        await Eventually.TrueAsync(async () =>
        {
            using var response = await user.PostAsJsonAsync("/api/my-account/organizations", new { name }, Ct);
            if (response.StatusCode != HttpStatusCode.Created) return false;
            created = await ReadJsonAsync(response);
            return true;
        }, OrganizationApi.Replication, "creating my organization");
        Assert.Equal(name, created.GetProperty("name").GetString());
        Assert.Equal(Id(owner), Id(Assert.Single(created.GetProperty("organizationRoles").EnumerateArray())));

        using (var mine = await user.GetAsync("/api/my-account/organizations", Ct))
            Assert.Contains((await ReadJsonAsync(mine)).EnumerateArray(), o => Id(o) == Id(created));
        using (var members = await api.Management.GetAsync($"/api/organizations/{Id(created)}/users", Ct))
            Assert.Equal(userId, Id(Assert.Single((await ReadJsonAsync(members)).EnumerateArray())));

        using (await api.Management.PatchAsJsonAsync("/api/organization-settings", new { organizationCreation = "Off", ownerOrganizationRoleId = (string?)null }, Ct)) { }
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;
}
