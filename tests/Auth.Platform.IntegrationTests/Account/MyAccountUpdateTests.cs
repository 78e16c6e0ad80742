using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// <c>PATCH /api/my-account {name, avatar, username, customData}</c> through the gateway with the user's own token: the
/// account center's fields and the token's scopes decide what may change; bad input changes nothing.
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class MyAccountUpdateTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string AllScopes = "openid profile email phone custom_data";
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync() => await AccountCenterCollection.PatchAsync(Stack, new
    {
        enabled = true,
        fields = new { name = "Edit", avatar = "ReadOnly", username = "Edit", customData = "Edit" },
    });

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    [Fact]
    public async Task Patch_EditableFields_ChangesThem_AndAnswersTheAccountAsGetShowsIt()
    {
        var user = await _session.SignInAsync(AllScopes);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken,
            new { name = "Alice", customData = new { theme = "dark" } });

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        var body = await ReadJsonAsync(response);
        Assert.Equal(["id", "username", "name", "avatar", "customData"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Alice", body.GetProperty("name").GetString());
        var stored = await ReadUserAsync(Stack, user.UserId);
        Assert.Equal("Alice", stored.GetProperty("name").GetString());
        Assert.Equal("dark", stored.GetProperty("customData").GetProperty("theme").GetString());
    }

    [Fact]
    public async Task Patch_AReadOnlyField_Returns400FieldNotEditable_AndNothingChanges()
    {
        var user = await _session.SignInAsync(AllScopes);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken,
            new { name = "Alice", avatar = "https://cdn.example.com/a.png" });

        await AssertProblemAsync(response, 400, "account_center.field_not_editable");
        var stored = await ReadUserAsync(Stack, user.UserId);
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("name").ValueKind);
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("avatar").ValueKind);
    }

    [Fact]
    public async Task Patch_AFieldThatIsOff_Returns400FieldNotEditable()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { name = "Edit" } });
        var user = await _session.SignInAsync(AllScopes);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { customData = new { a = 1 } });

        await AssertProblemAsync(response, 400, "account_center.field_not_editable");
    }

    [Fact]
    public async Task Patch_WhenTheAccountCenterIsDisabled_Returns400NotEnabled()
    {
        var user = await _session.SignInAsync(AllScopes);
        await AccountCenterCollection.ResetAsync(Stack);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { name = "Alice" });

        await AssertProblemAsync(response, 400, "account_center.not_enabled");
    }

    [Fact]
    public async Task Patch_WithoutTheScopeThatCoversTheProperty_Returns403()
    {
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { customData = new { a = 1 } });

        await AssertProblemAsync(response, 403, "auth.forbidden");
    }

    [Fact]
    public async Task Patch_WithAThirdPartyAppsToken_Returns403ThirdPartyApplicationForbidden_AndNothingChanges()
    {
        var user = await _session.SignInWithThirdPartyAppAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { name = "Mallory" });

        await AssertProblemAsync(response, 403, "auth.third_party_application_forbidden");
        Assert.Equal(JsonValueKind.Null, (await ReadUserAsync(Stack, user.UserId)).GetProperty("name").ValueKind);
        // Reading stays allowed to the app the user consented to.
        using var read = await _session.SendAsync(HttpMethod.Get, "/api/my-account", user.AccessToken);
        Assert.True(read.IsSuccessStatusCode, await read.Content.ReadAsStringAsync(Ct));
    }

    public static TheoryData<string> BadBodies() => new()
    {
        """{"name":"Alice","customData":[]}""",
        """{"name":"Alice","customData":{"blob":"BIG"}}""",
        """{"name":"Alice","unknown":1}""",
        """{"name":"Alice","email":"a@example.com"}""",
        """{"name":42}""",
        """{"name":"Alice","username":"not valid!"}""",
        "[]",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Patch_WithBadInput_Returns400InvalidInput_AndNothingChanges(string body)
    {
        var user = await _session.SignInAsync(AllScopes);
        var record = await _session.VerifyPasswordAsync(user);
        // Over the 16 KiB custom data limit once serialized.
        body = body.Replace("BIG", new string('x', 17 * 1024), StringComparison.Ordinal);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken,
            new StringContent(body, Encoding.UTF8, "application/json"), record);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
        var stored = await ReadUserAsync(Stack, user.UserId);
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("name").ValueKind);
        Assert.Equal(user.Username, stored.GetProperty("username").GetString());
    }

    [Fact]
    public async Task Patch_AUsernameAnotherUserHas_Returns422UsernameInUse()
    {
        using var otherSession = new MyAccountSession(Stack);
        var other = await otherSession.SignInAsync(AllScopes);
        var user = await _session.SignInAsync(AllScopes);
        var record = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = other.Username, name = "Alice" },
            record);

        await AssertProblemAsync(response, 422, "user.username_already_in_use");
        Assert.Equal(JsonValueKind.Null, (await ReadUserAsync(Stack, user.UserId)).GetProperty("name").ValueKind);
    }

    [Fact]
    public async Task Patch_ClearingTheLastIdentifier_Returns422LastIdentifier()
    {
        var user = await _session.SignInAsync(AllScopes);
        var record = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = (string?)null }, record);

        await AssertProblemAsync(response, 422, "user.last_identifier");
        Assert.Equal(user.Username, (await ReadUserAsync(Stack, user.UserId)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task PatchProfile_MergesIntoTheStoredProfile_AndGetShowsIt()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { profile = "Edit" } });
        var user = await _session.SignInAsync(AllScopes);

        using (var first = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/profile", user.AccessToken, new { givenName = "Alice", locale = "fr-FR" }))
            Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync(Ct));
        using var second = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/profile", user.AccessToken,
            new { familyName = "Martin", locale = (string?)null });

        Assert.True(second.IsSuccessStatusCode, await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal("""{"givenName":"Alice","familyName":"Martin"}""", (await ReadJsonAsync(second)).GetRawText());
        using var read = await _session.SendAsync(HttpMethod.Get, "/api/my-account", user.AccessToken);
        Assert.Equal("Martin", (await ReadJsonAsync(read)).GetProperty("profile").GetProperty("familyName").GetString());
    }

    [Fact]
    public async Task PatchProfile_WhenTheProfileFieldIsReadOnly_Returns400FieldNotEditable()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { profile = "ReadOnly" } });
        var user = await _session.SignInAsync(AllScopes);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/profile", user.AccessToken, new { givenName = "Alice" });

        await AssertProblemAsync(response, 400, "account_center.field_not_editable");
    }

    [Fact]
    public async Task PatchProfile_AddressWithoutTheAddressScope_Returns403()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { profile = "Edit" } });
        var user = await _session.SignInAsync(AllScopes);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/profile", user.AccessToken, new { address = new { country = "FR" } });

        await AssertProblemAsync(response, 403, "auth.forbidden");
    }

    [Theory]
    [InlineData("""{"givenName":"Alice","birthdate":"07/12/1990"}""")]
    [InlineData("""{"givenName":"Alice","website":"javascript:alert(1)"}""")]
    [InlineData("""{"givenName":"Alice","zoneinfo":"Mars/Olympus"}""")]
    [InlineData("""{"givenName":"Alice","nickname":42}""")]
    [InlineData("""{"givenName":"Alice","shoeSize":"42"}""")]
    [InlineData("""[]""")]
    public async Task PatchProfile_WithMalformedValues_Returns400InvalidInput_AndNothingChanges(string body)
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { profile = "Edit" } });
        var user = await _session.SignInAsync(AllScopes);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/profile", user.AccessToken,
            new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, 400, "guard.invalid_input");
        Assert.Equal("{}", (await ReadUserAsync(Stack, user.UserId)).GetProperty("profile").GetRawText());
    }
}
