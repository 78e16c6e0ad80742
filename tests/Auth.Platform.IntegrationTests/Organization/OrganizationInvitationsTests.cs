using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>Logto's organization invitations (<c>/api/organization-invitations</c>) and their email through notification.</summary>
public sealed class OrganizationInvitationsTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;
    private static long InAnHour => DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();

    [Fact]
    public async Task Invitation_IsEmailedInFrench_AndAcceptingMakesTheInviteeAMemberWithItsRoles()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var role = await api.CreateRoleAsync(new { name = UniqueName("editor") });
        var organizationName = UniqueName("Acme");
        var organizationId = (await api.CreateOrganizationAsync(new { name = organizationName })).GetProperty("id").GetString()!;
        var email = UniqueName("invitee") + "@example.com";
        var link = $"https://app.example.com/invitation?token={Guid.NewGuid():N}";

        var invitation = await CreateInvitationAsync(api, new
        {
            invitee = email.ToUpperInvariant(), organizationId, expiresAt = InAnHour, organizationRoleIds = new[] { Id(role) },
            messagePayload = new { link, locale = "fr" },
        });
        Assert.Equal("Pending", invitation.GetProperty("status").GetString());
        Assert.Equal(email, invitation.GetProperty("invitee").GetString());
        Assert.Equal([Id(role)], invitation.GetProperty("organizationRoles").EnumerateArray().Select(Id));
        var mail = await MailAsync(email);
        Assert.Equal($"Invitation à rejoindre {organizationName}", mail.Subject);
        Assert.Contains(link, mail.Text);

        var userId = await CreateUserWithEmailAsync(api, email);
        using (var accept = await api.Management.PutAsJsonAsync($"/api/organization-invitations/{Id(invitation)}/status", new { status = "Accepted", acceptedUserId = userId }, Ct))
        {
            var accepted = await ReadJsonAsync(accept);
            Assert.True(accept.StatusCode == HttpStatusCode.OK, accepted.ToString());
            Assert.Equal("Accepted", accepted.GetProperty("status").GetString());
            Assert.Equal(userId, accepted.GetProperty("acceptedUserId").GetString());
        }
        using (var roles = await api.Management.GetAsync($"/api/organizations/{organizationId}/users/{userId}/roles", Ct))
            Assert.Equal([Id(role)], (await ReadJsonAsync(roles)).EnumerateArray().Select(Id));
        // Final: neither a second acceptance nor a revocation changes it.
        await AssertProblemAsync(await api.Management.PutAsJsonAsync($"/api/organization-invitations/{Id(invitation)}/status", new { status = "Revoked" }, Ct),
            422, "request.invalid_input");
    }

    [Fact]
    public async Task OnePendingInvitationPerInviteeAndOrganization_UntilItIsRevoked()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await api.CreateOrganizationIdAsync();
        var email = UniqueName("twice") + "@example.com";
        var first = await CreateInvitationAsync(api, new { invitee = email, organizationId, expiresAt = InAnHour });

        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/organization-invitations", new { invitee = email, organizationId, expiresAt = InAnHour }, Ct),
            422, "entity.unique_integrity_violation");
        using (var revoke = await api.Management.PutAsJsonAsync($"/api/organization-invitations/{Id(first)}/status", new { status = "Revoked" }, Ct))
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var second = await CreateInvitationAsync(api, new { invitee = email, organizationId, expiresAt = InAnHour });

        using var list = await api.Management.GetAsync($"/api/organization-invitations?organizationId={organizationId}&invitee={email}", Ct);
        Assert.Equal([(Id(second), "Pending"), (Id(first), "Revoked")],
            (await ReadJsonAsync(list)).EnumerateArray().Select(i => (Id(i), i.GetProperty("status").GetString()!)));
    }

    [Fact]
    public async Task Accepting_WithAnotherEmail_OrOnceExpired_Returns422()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await api.CreateOrganizationIdAsync();
        var otherUser = await CreateUserWithEmailAsync(api, UniqueName("other") + "@example.com");
        var invitation = await CreateInvitationAsync(api, new { invitee = UniqueName("right") + "@example.com", organizationId, expiresAt = InAnHour });
        await AssertProblemAsync(await api.Management.PutAsJsonAsync($"/api/organization-invitations/{Id(invitation)}/status",
            new { status = "Accepted", acceptedUserId = otherUser }, Ct), 422, "request.invalid_input");
        using (var members = await api.Management.GetAsync($"/api/organizations/{organizationId}/users", Ct))
            Assert.Equal(0, (await ReadJsonAsync(members)).GetArrayLength());

        var email = UniqueName("late") + "@example.com";
        var userId = await CreateUserWithEmailAsync(api, email);
        var shortLived = await CreateInvitationAsync(api, new { invitee = email, organizationId, expiresAt = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeMilliseconds() });
        await Eventually.TrueAsync(async () =>
        {
            using var get = await api.Management.GetAsync($"/api/organization-invitations/{Id(shortLived)}", Ct);
            return (await ReadJsonAsync(get)).GetProperty("status").GetString() == "Expired";
        }, TimeSpan.FromSeconds(30), "invitation expired");
        await AssertProblemAsync(await api.Management.PutAsJsonAsync($"/api/organization-invitations/{Id(shortLived)}/status",
            new { status = "Accepted", acceptedUserId = userId }, Ct), 422, "request.invalid_input");
    }

    [Fact]
    public async Task Invitation_WithRolesThatDoNotExistOrAreForMachines_Returns422()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await api.CreateOrganizationIdAsync();
        var machineRole = await api.CreateRoleAsync(new { name = UniqueName("robot"), type = "MachineToMachine" });
        var invitee = UniqueName("x") + "@example.com";
        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/organization-invitations",
            new { invitee, organizationId, expiresAt = InAnHour, organizationRoleIds = new[] { "nosuchrole00" } }, Ct), 422, "entity.relation_foreign_key_not_found");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/organization-invitations",
            new { invitee, organizationId, expiresAt = InAnHour, organizationRoleIds = new[] { Id(machineRole) } }, Ct), 422, "entity.db_constraint_violated");
        await AssertProblemAsync(await api.Management.PostAsJsonAsync("/api/organization-invitations",
            new { invitee, organizationId = "nosuchorg000", expiresAt = InAnHour }, Ct), 422, "entity.relation_foreign_key_not_found");
        using var list = await api.Management.GetAsync($"/api/organization-invitations?organizationId={organizationId}", Ct);
        Assert.Equal(0, (await ReadJsonAsync(list)).GetArrayLength());
    }

    [Theory]
    [InlineData("""{"invitee":"not an email","expiresAt":4102444800000}""")]
    [InlineData("""{"invitee":"a@example.com","expiresAt":1000}""")]
    [InlineData("""{"invitee":"a@example.com"}""")]
    [InlineData("""{"invitee":"a@example.com","expiresAt":4102444800000,"messagePayload":{"link":"javascript:alert(1)"}}""")]
    [InlineData("""{"invitee":"a@example.com","expiresAt":4102444800000,"messagePayload":"yes"}""")]
    [InlineData("""{"invitee":"a@example.com","expiresAt":"tomorrow"}""")]
    public async Task Create_WithInvalidBody_Returns400GuardInvalidInput(string json)
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await api.CreateOrganizationIdAsync();
        var body = json.Replace("{\"invitee\"", $"{{\"organizationId\":\"{organizationId}\",\"invitee\"");
        using var response = await api.Management.PostAsync("/api/organization-invitations", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task Resend_EmailsTheNewLink_AndDeleteRemovesTheInvitation()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await api.CreateOrganizationIdAsync();
        var email = UniqueName("resend") + "@example.com";
        var invitation = await CreateInvitationAsync(api, new { invitee = email, organizationId, expiresAt = InAnHour });
        var link = $"https://app.example.com/join/{Guid.NewGuid():N}";
        using (var resend = await api.Management.PostAsJsonAsync($"/api/organization-invitations/{Id(invitation)}/message", new { link }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, resend.StatusCode);
        var mail = await MailAsync(email);
        Assert.StartsWith("You are invited to join", mail.Subject);
        Assert.Contains(link, mail.Text);

        using (var delete = await api.Management.DeleteAsync($"/api/organization-invitations/{Id(invitation)}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await AssertProblemAsync(await api.Management.GetAsync($"/api/organization-invitations/{Id(invitation)}", Ct), 404, "entity.not_exists_with_id");
    }

    [Fact]
    public async Task UserDeleted_RemovesThePendingInvitationsToTheirAddress()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var organizationId = await api.CreateOrganizationIdAsync();
        var email = UniqueName("gone") + "@example.com";
        var userId = await CreateUserWithEmailAsync(api, email);
        var invitation = await CreateInvitationAsync(api, new { invitee = email, organizationId, expiresAt = InAnHour });

        using (var delete = await api.Management.DeleteAsync($"/api/users/{userId}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await Eventually.TrueAsync(async () =>
        {
            using var get = await api.Management.GetAsync($"/api/organization-invitations/{Id(invitation)}", Ct);
            return get.StatusCode == HttpStatusCode.NotFound;
        }, OrganizationApi.Replication, "pending invitation removed");
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private static async Task<JsonElement> CreateInvitationAsync(OrganizationApi api, object body)
    {
        using var response = await api.Management.PostAsJsonAsync("/api/organization-invitations", body, Ct);
        var json = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    /// <summary>A user with this primary email, once the organization service's replica knows it (it must, to accept).</summary>
    private static async Task<string> CreateUserWithEmailAsync(OrganizationApi api, string email)
    {
        var userId = (await CreateUserAsync(api.Management, new { primaryEmail = email, password = OrganizationApi.Password })).GetProperty("id").GetString()!;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await api.Management.GetAsync($"/api/users/{userId}/organizations", Ct);
            return response.StatusCode == HttpStatusCode.OK;
        }, OrganizationApi.Replication, $"replica knows {userId}");
        return userId;
    }

    /// <summary>The invitation email: organization's outbox, RabbitMQ, notification's delivery queue, then SMTP.</summary>
    private async Task<InboxMessage> MailAsync(string email)
    {
        InboxMessage? message = null;
        await Eventually.TrueAsync(async () => (message = (await Stack.MailToAsync(email, Ct)).LastOrDefault()) is not null,
            OrganizationApi.Replication, $"invitation email to {email}");
        return message!;
    }
}
