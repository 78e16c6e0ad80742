using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Logto's account center settings through the gateway: <c>GET|PATCH /api/account-center</c> (Management API) and the public
/// <c>GET /api/.well-known/account-center</c>. The settings are one global row, so every test that changes them is in
/// the <see cref="AccountCenterCollection"/> (never run at the same time) and leaves Logto's seed behind.
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class AccountCenterApiTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private PlatformStack Stack => fixture.Stack;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await AccountCenterCollection.ResetAsync(Stack);

    [Fact]
    public async Task Seed_IsDisabled_WithNoFieldAndNoDeleteUrl()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };

        var settings = await ReadJsonAsync(await anonymous.GetAsync("/api/.well-known/account-center", Ct));

        Assert.Equal("""{"enabled":false,"fields":{},"deleteAccountUrl":null}""", settings.GetRawText());
    }

    [Fact]
    public async Task Patch_ThenTheManagementAndPublicReads_ShowTheSameSettings()
    {
        using var management = await ManagementClientAsync(Stack);
        using var patched = await management.PatchAsJsonAsync("/api/account-center", new
        {
            enabled = true,
            fields = new { name = "Edit", avatar = "Edit", email = "ReadOnly", password = "Off" },
            deleteAccountUrl = "https://app.example.com/delete-me",
        }, Ct);
        Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync(Ct));
        var expected = await ReadJsonAsync(patched);
        Assert.True(expected.GetProperty("enabled").GetBoolean());
        Assert.Equal("ReadOnly", expected.GetProperty("fields").GetProperty("email").GetString());
        Assert.Equal("https://app.example.com/delete-me", expected.GetProperty("deleteAccountUrl").GetString());

        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };
        using var publicRead = await anonymous.GetAsync("/api/.well-known/account-center", Ct);
        Assert.True(publicRead.IsSuccessStatusCode, await publicRead.Content.ReadAsStringAsync(Ct));
        Assert.Equal(expected.GetRawText(), (await ReadJsonAsync(publicRead)).GetRawText());
        using var managementRead = await management.GetAsync("/api/account-center", Ct);
        Assert.Equal(expected.GetRawText(), (await ReadJsonAsync(managementRead)).GetRawText());
    }

    [Fact]
    public async Task Patch_OnlyChangesThePropertiesGiven_AndFieldsReplaceTheWholeMap()
    {
        using var management = await ManagementClientAsync(Stack);
        (await management.PatchAsJsonAsync("/api/account-center", new { enabled = true, fields = new { name = "Edit", username = "Edit" } }, Ct)).Dispose();

        using var patched = await management.PatchAsJsonAsync("/api/account-center", new { fields = new { profile = "ReadOnly" } }, Ct);
        var settings = await ReadJsonAsync(patched);

        Assert.True(settings.GetProperty("enabled").GetBoolean());
        // Logto's rule: a field left out of the map is Off.
        Assert.Equal(["profile"], settings.GetProperty("fields").EnumerateObject().Select(f => f.Name));
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("deleteAccountUrl").ValueKind);
    }

    public static TheoryData<string, string> BadPatches => new()
    {
        { "unknown property", """{"enabled":true,"customCss":"body{}"}""" },
        { "enabled not a boolean", """{"enabled":"yes"}""" },
        { "fields not an object", """{"fields":["name"]}""" },
        { "unknown field", """{"fields":{"name":"Edit","shoeSize":"Edit"}}""" },
        { "unknown access value", """{"fields":{"name":"Write"}}""" },
        { "access value not a string", """{"fields":{"name":1}}""" },
        { "script URL", """{"deleteAccountUrl":"javascript:alert(1)"}""" },
        { "relative URL", """{"deleteAccountUrl":"/delete"}""" },
        { "body not an object", """[1]""" },
    };

    [Theory]
    [MemberData(nameof(BadPatches))]
    public async Task Patch_WithBadInput_Returns400_AndChangesNothing(string _, string body)
    {
        using var management = await ManagementClientAsync(Stack);
        (await management.PatchAsJsonAsync("/api/account-center", new { enabled = false, fields = new { name = "ReadOnly" } }, Ct)).Dispose();
        // The bad part comes after a valid change to enabled: nothing may be half-applied.
        var hostile = body.StartsWith('{') && body != "{\"enabled\":\"yes\"}" ? "{\"enabled\":true," + body[1..] : body;

        using var response = await management.PatchAsync("/api/account-center", new StringContent(hostile, Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
        var settings = await ReadJsonAsync(await management.GetAsync("/api/account-center", Ct));
        Assert.False(settings.GetProperty("enabled").GetBoolean());
        Assert.Equal("ReadOnly", settings.GetProperty("fields").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ManagementRoutes_WithoutAToken_Return401()
    {
        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };
        using var get = await anonymous.GetAsync("/api/account-center", Ct);
        await AssertProblemAsync(get, 401, "auth.unauthorized");
        using var patch = await anonymous.PatchAsJsonAsync("/api/account-center", new { enabled = true }, Ct);
        await AssertProblemAsync(patch, 401, "auth.unauthorized");
    }
}

/// <summary>The test classes that change the global account center settings: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class AccountCenterCollection
{
    public const string Name = "account-center";

    public static async Task PatchAsync(PlatformStack stack, object settings)
    {
        using var management = await ManagementClientAsync(stack);
        using var response = await management.PatchAsJsonAsync("/api/account-center", settings, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Logto's seed: disabled, no field.</summary>
    public static Task ResetAsync(PlatformStack stack) => PatchAsync(stack, new { enabled = false, fields = new { }, deleteAccountUrl = (string?)null });
}
