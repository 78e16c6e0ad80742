using System.Net;
using System.Net.Http.Json;
using System.Text;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>Logto's <c>/api/users</c> through the gateway, with a client-credentials Management API token.</summary>
public sealed class ManagementUsersApiTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task CreateUser_ThroughGateway_ReturnsLogtoUserWithoutPasswordHash()
    {
        using var management = await ManagementClientAsync(Stack);
        var username = UniqueName("alice");

        var user = await CreateUserAsync(management, new { username, primaryEmail = username + "@Example.com", password = "correct horse", name = "Alice" });

        Assert.Matches("^[a-z0-9]{12}$", user.GetProperty("id").GetString());
        Assert.Equal(username, user.GetProperty("username").GetString());
        Assert.Equal(username + "@Example.com", user.GetProperty("primaryEmail").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, user.GetProperty("primaryPhone").ValueKind);
        Assert.Equal("Alice", user.GetProperty("name").GetString());
        Assert.True(user.GetProperty("hasPassword").GetBoolean());
        Assert.False(user.GetProperty("isSuspended").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, user.GetProperty("customData").ValueKind);
        Assert.False(user.TryGetProperty("passwordHash", out _));
    }

    [Fact]
    public async Task CreateUser_WithUsernameAlreadyInUse_Returns422UsernameAlreadyInUse()
    {
        using var management = await ManagementClientAsync(Stack);
        var username = UniqueName("bob");
        await CreateUserAsync(management, new { username });

        using var response = await management.PostAsJsonAsync("/api/users", new { username }, Ct);

        await AssertProblemAsync(response, 422, "user.username_already_in_use");
    }

    [Fact]
    public async Task CreateUser_WithUsernameDifferingOnlyInCase_Succeeds()
    {
        using var management = await ManagementClientAsync(Stack);
        var username = UniqueName("carol");
        await CreateUserAsync(management, new { username });

        var other = await CreateUserAsync(management, new { username = username.ToUpperInvariant() });

        Assert.Equal(username.ToUpperInvariant(), other.GetProperty("username").GetString());
    }

    [Fact]
    public async Task CreateUser_WithEmailDifferingOnlyInCase_Returns422EmailAlreadyInUse()
    {
        using var management = await ManagementClientAsync(Stack);
        var local = UniqueName("dave");
        await CreateUserAsync(management, new { primaryEmail = local + "@example.com" });

        using var response = await management.PostAsJsonAsync("/api/users", new { primaryEmail = local.ToUpperInvariant() + "@EXAMPLE.com" }, Ct);

        await AssertProblemAsync(response, 422, "user.email_already_in_use");
    }

    [Fact]
    public async Task CreateUser_WithPhoneAlreadyInUseWrittenWith00Prefix_Returns422PhoneAlreadyInUse()
    {
        using var management = await ManagementClientAsync(Stack);
        var phone = UniquePhone();
        await CreateUserAsync(management, new { primaryPhone = phone });

        using var response = await management.PostAsJsonAsync("/api/users", new { primaryPhone = "00" + phone.TrimStart('+') }, Ct);

        await AssertProblemAsync(response, 422, "user.phone_already_in_use");
    }

    [Theory]
    [InlineData("""{"username":"1starts_with_digit"}""")]
    [InlineData("""{"username":"has space"}""")]
    [InlineData("""{"primaryEmail":"not-an-email"}""")]
    [InlineData("""{"primaryPhone":42}""")]
    [InlineData("""{"password":""}""")]
    [InlineData("""{"username":42}""")]
    [InlineData("""{"username":""")]
    public async Task CreateUser_WithInvalidInput_Returns400GuardInvalidInput(string json)
    {
        using var management = await ManagementClientAsync(Stack);

        using var response = await management.PostAsync("/api/users", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task ListUsers_WithPageSize_ReturnsThatManyAndTotalNumberHeader()
    {
        using var management = await ManagementClientAsync(Stack);
        await CreateUserAsync(management, new { username = UniqueName("erin") });
        await CreateUserAsync(management, new { username = UniqueName("erin") });

        using var response = await management.GetAsync("/api/users?page=1&page_size=2", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await ReadJsonAsync(response)).GetArrayLength());
        Assert.True(int.Parse(response.Headers.GetValues("Total-Number").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 2);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("page_size=0")]
    [InlineData("page_size=101")]
    [InlineData("page=abc")]
    public async Task ListUsers_WithInvalidPaging_Returns400GuardInvalidInput(string query)
    {
        using var management = await ManagementClientAsync(Stack);

        using var response = await management.GetAsync("/api/users?" + query, Ct);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task PatchUser_WithProfileAndNullPhone_UpdatesOnlyThoseFields()
    {
        using var management = await ManagementClientAsync(Stack);
        var username = UniqueName("frank");
        var id = (await CreateUserAsync(management, new { username, primaryPhone = UniquePhone() })).GetProperty("id").GetString();

        using var response = await management.PatchAsJsonAsync($"/api/users/{id}",
            new { name = "Frank", avatar = "https://example.com/frank.png", customData = new { plan = "pro" }, primaryPhone = (string?)null }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var user = await ReadJsonAsync(response);
        Assert.Equal(username, user.GetProperty("username").GetString());
        Assert.Equal("Frank", user.GetProperty("name").GetString());
        Assert.Equal("https://example.com/frank.png", user.GetProperty("avatar").GetString());
        Assert.Equal("pro", user.GetProperty("customData").GetProperty("plan").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, user.GetProperty("primaryPhone").ValueKind);
    }

    [Fact]
    public async Task PatchUser_ToEmailOfAnotherUserInOtherCase_Returns422EmailAlreadyInUse()
    {
        using var management = await ManagementClientAsync(Stack);
        var taken = UniqueName("gina") + "@example.com";
        await CreateUserAsync(management, new { primaryEmail = taken });
        var id = (await CreateUserAsync(management, new { username = UniqueName("hank") })).GetProperty("id").GetString();

        using var response = await management.PatchAsJsonAsync($"/api/users/{id}", new { primaryEmail = taken.ToUpperInvariant() }, Ct);

        await AssertProblemAsync(response, 422, "user.email_already_in_use");
    }

    [Fact]
    public async Task DeleteUser_Existing_Returns204AndThenNotFound()
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("ivy") })).GetProperty("id").GetString();

        using var deleted = await management.DeleteAsync($"/api/users/{id}", Ct);
        using var after = await management.GetAsync($"/api/users/{id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertProblemAsync(after, 404, "user.not_found");
    }

    [Fact]
    public async Task ListUsers_WithoutToken_Returns401()
    {
        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };

        using var response = await anonymous.GetAsync("/api/users", Ct);

        await AssertProblemAsync(response, 401, "auth.unauthorized");
    }
}
