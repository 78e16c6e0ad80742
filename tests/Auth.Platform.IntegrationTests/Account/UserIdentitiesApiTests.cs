using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// A user's social and enterprise identities in account (issue 12 pt 3): Logto's Management routes
/// <c>GET|PUT|DELETE /api/users/{id}/identities[/{target}]</c> through the gateway, the internal routes signin uses, and the
/// rule that one identity belongs to one user (422 <c>user.identity_already_in_use</c>), until that user is deleted.
/// </summary>
public sealed class UserIdentitiesApiTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task PutIdentity_AddsItInLogtosShape_ToTheListAndToTheUser_AndDeleteRemovesIt()
    {
        using var management = await ManagementClientAsync(Stack);
        var userId = await NewUserAsync(management);
        var target = Target();

        using (var put = await management.PutAsJsonAsync($"/api/users/{userId}/identities/{target}", new { userId = "g-123", details = new { email = "a@b.example" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            var identities = await ReadJsonAsync(put);
            Assert.Equal("g-123", identities.GetProperty(target).GetProperty("userId").GetString());
            Assert.Equal("a@b.example", identities.GetProperty(target).GetProperty("details").GetProperty("email").GetString());
        }
        using (var replaced = await management.PutAsJsonAsync($"/api/users/{userId}/identities/{target}", new { userId = "g-456" }, Ct))
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var list = await management.GetFromJsonAsync<JsonElement>($"/api/users/{userId}/identities", Ct);
        Assert.Equal("g-456", Assert.Single(list.EnumerateObject()).Value.GetProperty("userId").GetString());
        var user = await ReadUserAsync(Stack, userId);
        Assert.Equal("g-456", user.GetProperty("identities").GetProperty(target).GetProperty("userId").GetString());
        Assert.Equal(JsonValueKind.Array, user.GetProperty("ssoIdentities").ValueKind);

        using (var deleted = await management.DeleteAsync($"/api/users/{userId}/identities/{target}", Ct))
            Assert.Empty((await ReadJsonAsync(deleted)).EnumerateObject());
        await AssertProblemAsync(await management.DeleteAsync($"/api/users/{userId}/identities/{target}", Ct), 404, "user.identity_not_exist");
    }

    [Fact]
    public async Task PutIdentity_HeldByAnotherUser_Returns422IdentityAlreadyInUse_UntilThatUserIsDeleted()
    {
        using var management = await ManagementClientAsync(Stack);
        var (first, second, target) = (await NewUserAsync(management), await NewUserAsync(management), Target());
        using (var put = await management.PutAsJsonAsync($"/api/users/{first}/identities/{target}", new { userId = "shared" }, Ct))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        await AssertProblemAsync(await management.PutAsJsonAsync($"/api/users/{second}/identities/{target}", new { userId = "shared" }, Ct),
            422, "user.identity_already_in_use");

        // Deleting the user deletes its identities with it (same statement), so the identity is free again.
        using (var deleted = await management.DeleteAsync($"/api/users/{first}", Ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var again = await management.PutAsJsonAsync($"/api/users/{second}/identities/{target}", new { userId = "shared" }, Ct))
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task ConcurrentLinks_OfOneIdentity_LeaveItWithExactlyOneUser()
    {
        using var management = await ManagementClientAsync(Stack);
        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => NewUserAsync(management)));
        var target = Target();

        var statuses = await Task.WhenAll(users.Select(async id =>
        {
            using var response = await management.PutAsJsonAsync($"/api/users/{id}/identities/{target}", new { userId = "raced" }, Ct);
            return (int)response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == 201));
        Assert.All(statuses.Where(s => s != 201), s => Assert.Equal(422, s));
    }

    [Theory]
    [InlineData("""{"details":{}}""")]
    [InlineData("""{"userId":""}""")]
    [InlineData("""{"userId":"x","details":"text"}""")]
    [InlineData("""{"userId":"x","details":[1]}""")]
    [InlineData("""{"userId":"a\u0000b"}""")]
    public async Task PutIdentity_WithBadInput_Returns400GuardInvalidInput(string body)
    {
        using var management = await ManagementClientAsync(Stack);
        var userId = await NewUserAsync(management);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        await AssertProblemAsync(await management.PutAsync($"/api/users/{userId}/identities/{Target()}", content, Ct), 400, "guard.invalid_input");
    }

    [Fact]
    public async Task PutIdentity_OfAnUnknownUser_Returns404()
    {
        using var management = await ManagementClientAsync(Stack);
        await AssertProblemAsync(await management.PutAsJsonAsync($"/api/users/nosuchuser12/identities/{Target()}", new { userId = "x" }, Ct), 404, "user.not_found");
    }

    [Fact]
    public async Task InternalCreateWithIdentity_WhenTheIdentityIsTaken_CreatesNoUser()
    {
        using var management = await ManagementClientAsync(Stack);
        var holder = await NewUserAsync(management);
        var target = Target();
        using (await management.PutAsJsonAsync($"/api/users/{holder}/identities/{target}", new { userId = "taken" }, Ct)) { }
        using var internalApi = new HttpClient { BaseAddress = Stack.ServiceUrl("account") };
        internalApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Stack.ServiceTokenAsync(Ct));
        var username = UniqueName("jit");

        await AssertProblemAsync(await internalApi.PostAsJsonAsync("/internal/users/with-identity",
            new { username, identity = new { target, identityId = "taken" } }, Ct), 422, "user.identity_already_in_use");

        using var search = await management.GetAsync($"/api/users?search={username}", Ct);
        Assert.Empty((await ReadJsonAsync(search)).EnumerateArray());
    }

    private static async Task<string> NewUserAsync(HttpClient management) =>
        (await CreateUserAsync(management, new { username = UniqueName("ident") })).GetProperty("id").GetString()!;

    private static string Target() => "t-" + Guid.NewGuid().ToString("N")[..10];
}
