using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.IntegrationTests.Sso;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>
/// Logto's just-in-time provisioning by enterprise SSO connector (<c>/api/organizations/{id}/jit/sso-connectors</c>,
/// issue 14 pt 5) through the gateway, against npm oidc-provider as the enterprise OIDC IdP: the first sign-in through a
/// listed connector (a new user, or an existing one linking it) makes the user a member with the JIT roles.
/// </summary>
public sealed class OrganizationJitSsoTests(PlatformStackFixture fixture, SocialIdpFixture idp)
    : ExternalExperienceTestBase(fixture, idp), IClassFixture<SocialIdpFixture>
{
    [Fact]
    public async Task FirstSsoSignIn_OfANewPerson_JoinsTheOrganizationsListingTheConnector_WithTheJitRoles_NotTheOthers()
    {
        var organizations = await OrganizationApi.CreateAsync(Stack);
        var connectorId = await ExternalExperience.SsoConnectorAsync(Api, Idp);
        var otherConnectorId = await ExternalExperience.SsoConnectorAsync(Api, Idp);
        var role = await organizations.CreateRoleAsync(new { name = UniqueName("sso-member") });
        var listing = await organizations.CreateOrganizationIdAsync();
        var notListing = await organizations.CreateOrganizationIdAsync();
        await PutConnectorsAsync(organizations, listing, connectorId);
        await PutConnectorsAsync(organizations, notListing, otherConnectorId);
        using (var roles = await organizations.Management.PutAsJsonAsync($"/api/organizations/{listing}/jit/roles", new { organizationRoleIds = new[] { Id(role) } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, roles.StatusCode);

        await Ui.StartInteractionAsync();
        using (var jit = await Ui.IdentifyAsync(await Ui.VerifiedRecordAsync("sso", connectorId, Account())))
            Assert.True(jit.StatusCode == HttpStatusCode.NoContent, await jit.Content.ReadAsStringAsync(Ct));
        var userId = SubjectOf(await Ui.SubmitAndRedeemAsync());

        var member = await MemberEventuallyAsync(organizations, listing, userId);
        Assert.Equal([Id(role)], member.GetProperty("organizationRoles").EnumerateArray().Select(Id));
        // One event provisions every organization in one transaction: the listing one has the member, so this one was decided.
        using var others = await organizations.Management.GetAsync($"/api/organizations/{notListing}/users", Ct);
        Assert.Equal(0, (await ReadJsonAsync(others)).GetArrayLength());
    }

    [Fact]
    public async Task FirstSsoSignIn_OfAnExistingUser_JoinsWithTheJitRoles_AndAnExistingMembershipIsLeftAsIs()
    {
        var organizations = await OrganizationApi.CreateAsync(Stack);
        var connectorId = await ExternalExperience.SsoConnectorAsync(Api, Idp);
        var role = await organizations.CreateRoleAsync(new { name = UniqueName("sso-member") });
        var account = Account();
        var existing = await ExistingUserAsync(username: SigninClient.NewUsername(), primaryEmail: account + "@idp.test");
        var joining = await organizations.CreateOrganizationIdAsync();
        var alreadyMember = await organizations.CreateOrganizationIdAsync();
        await organizations.AddMemberAsync(alreadyMember, existing);
        foreach (var organizationId in new[] { joining, alreadyMember })
        {
            await PutConnectorsAsync(organizations, organizationId, connectorId);
            using var roles = await organizations.Management.PutAsJsonAsync($"/api/organizations/{organizationId}/jit/roles", new { organizationRoleIds = new[] { Id(role) } }, Ct);
            Assert.Equal(HttpStatusCode.NoContent, roles.StatusCode);
        }

        await Ui.StartInteractionAsync();
        using (var linked = await Ui.IdentifyAsync(await Ui.VerifiedRecordAsync("sso", connectorId, account)))
            Assert.Equal(HttpStatusCode.NoContent, linked.StatusCode);
        Assert.Equal(existing, SubjectOf(await Ui.SubmitAndRedeemAsync()));

        var member = await MemberEventuallyAsync(organizations, joining, existing);
        Assert.Equal([Id(role)], member.GetProperty("organizationRoles").EnumerateArray().Select(Id));
        using var kept = await organizations.Management.GetAsync($"/api/organizations/{alreadyMember}/users/{existing}/roles", Ct);
        Assert.Equal(0, (await ReadJsonAsync(kept)).GetArrayLength());
    }

    [Fact]
    public async Task SsoConnectors_PostPutListDelete_AndBadInput()
    {
        var organizations = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await organizations.CreateOrganizationIdAsync();
        var path = $"/api/organizations/{organizationId}/jit/sso-connectors";
        using (var put = await organizations.Management.PutAsJsonAsync(path, new { ssoConnectorIds = new[] { "conn-b", "conn-a" } }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var post = await organizations.Management.PostAsJsonAsync(path, new { ssoConnectorIds = new[] { "conn-c", "conn-a" } }, Ct))
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        using (var list = await organizations.Management.GetAsync(path, Ct))
            Assert.Equal(["conn-a", "conn-b", "conn-c"], (await ReadJsonAsync(list)).EnumerateArray().Select(Id));
        using (var delete = await organizations.Management.DeleteAsync(path + "/conn-a", Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await AssertProblemAsync(await organizations.Management.DeleteAsync(path + "/conn-a", Ct), 404, "entity.not_found");
        using (var put = await organizations.Management.PutAsJsonAsync(path, new { ssoConnectorIds = Array.Empty<string>() }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var list = await organizations.Management.GetAsync(path, Ct))
            Assert.Equal(0, (await ReadJsonAsync(list)).GetArrayLength());

        await AssertProblemAsync(await organizations.Management.PostAsJsonAsync(path, new { ssoConnectorIds = Array.Empty<string>() }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await organizations.Management.PostAsJsonAsync(path, new { ssoConnectorIds = new[] { " " } }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await organizations.Management.PostAsJsonAsync(path, new { ssoConnectorIds = new[] { new string('x', 129) } }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await organizations.Management.PutAsJsonAsync(path, new { }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await organizations.Management.PostAsJsonAsync(path, new { ssoConnectorIds = "conn-a" }, Ct), 400, "guard.invalid_input");
        await AssertProblemAsync(await organizations.Management.GetAsync("/api/organizations/nosuchorg000/jit/sso-connectors", Ct), 404, "entity.not_exists_with_id");
        await AssertProblemAsync(await organizations.Management.PostAsJsonAsync("/api/organizations/nosuchorg000/jit/sso-connectors", new { ssoConnectorIds = new[] { "conn-a" } }, Ct),
            404, "entity.not_exists_with_id");
    }

    private static async Task PutConnectorsAsync(OrganizationApi organizations, string organizationId, string connectorId)
    {
        using var put = await organizations.Management.PutAsJsonAsync($"/api/organizations/{organizationId}/jit/sso-connectors", new { ssoConnectorIds = new[] { connectorId } }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
    }

    /// <summary>The member as the members route shows it, once organization has handled account's event (bounded).</summary>
    private static async Task<JsonElement> MemberEventuallyAsync(OrganizationApi organizations, string organizationId, string userId)
    {
        JsonElement member = default;
        await Eventually.TrueAsync(async () =>
        {
            using var members = await organizations.Management.GetAsync($"/api/organizations/{organizationId}/users", Ct);
            var found = (await ReadJsonAsync(members)).EnumerateArray().Where(m => Id(m) == userId).ToArray();
            if (found.Length == 1) member = found[0];
            return found.Length == 1;
        }, OrganizationApi.Replication, $"{userId} provisioned into {organizationId}");
        return member;
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;
}
