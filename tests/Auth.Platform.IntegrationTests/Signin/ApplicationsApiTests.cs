using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>The applications Management API (Logto's shape) through the public origin.</summary>
public sealed class ApplicationsApiTests(PlatformStackFixture fixture) : IDisposable
{
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task CreateGetPatchDelete_TraditionalApplication_FollowsLogtoShape()
    {
        var created = await _client.CreateApplicationAsync("Traditional", "https://app.example.com/callback");
        var id = created.GetProperty("id").GetString()!;
        Assert.Matches("^[a-z0-9]{21}$", id);
        Assert.Matches("^[A-Za-z0-9]{32}$", created.GetProperty("secret").GetString()!);
        Assert.Equal("Traditional", created.GetProperty("type").GetString());

        using (var get = await _client.ManagementAsync(HttpMethod.Get, $"/api/applications/{id}"))
        {
            var body = await get.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.False(body.TryGetProperty("secret", out _)); // shown once, at creation
            Assert.Equal(["https://app.example.com/callback"], body.GetProperty("oidcClientMetadata").GetProperty("redirectUris").EnumerateArray().Select(e => e.GetString()));
        }

        using (var patch = await _client.ManagementAsync(HttpMethod.Patch, $"/api/applications/{id}",
                   new { name = "renamed", oidcClientMetadata = new { redirectUris = new[] { "https://app.example.com/other" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            var body = await patch.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("renamed", body.GetProperty("name").GetString());
            Assert.Equal(["https://app.example.com/other"], body.GetProperty("oidcClientMetadata").GetProperty("redirectUris").EnumerateArray().Select(e => e.GetString()));
        }

        using (var delete = await _client.ManagementAsync(HttpMethod.Delete, $"/api/applications/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await _client.ManagementAsync(HttpMethod.Get, $"/api/applications/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("entity.not_exists_with_id", (await gone.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Create_MachineToMachine_SecretWorksForClientCredentialsAfterAPatch()
    {
        var created = await _client.CreateApplicationAsync("MachineToMachine");
        var id = created.GetProperty("id").GetString()!;
        using (var patch = await _client.ManagementAsync(HttpMethod.Patch, $"/api/applications/{id}", new { description = "kept secret" }))
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var token = await _client.TokenAsync(("grant_type", "client_credentials"), ("client_id", id), ("client_secret", created.GetProperty("secret").GetString()!));
        Assert.True(token.TryGetProperty("access_token", out _), token.ToString());
    }

    [Fact]
    public async Task Create_Spa_HasNoSecret()
    {
        var created = await _client.CreateApplicationAsync("SPA", "http://localhost:3000/callback");
        Assert.False(created.TryGetProperty("secret", out _));
    }

    public static TheoryData<string> InvalidBodies() => new(
        """{"name":"x","type":"Bogus"}""",
        """{"type":"SPA"}""",
        """{"name":"","type":"SPA"}""",
        """{"name":5,"type":"SPA"}""",
        """{"name":"x","type":"SPA","oidcClientMetadata":{"redirectUris":["http://app.example.com/cb"]}}""",
        """{"name":"x","type":"SPA","oidcClientMetadata":{"redirectUris":["https://app.example.com/cb#fragment"]}}""",
        """{"name":"x","type":"SPA","oidcClientMetadata":{"redirectUris":["/relative"]}}""",
        """{"name":"x","type":"SPA","oidcClientMetadata":{"redirectUris":[null]}}""",
        """{"name":"x","type":"SPA","oidcClientMetadata":{"redirectUris":"https://a.example/cb"}}""",
        """{not json""");

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_WithInvalidBody_Returns400GuardInvalidInput(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", await _client.ManagementTokenAsync());
        using var response = await _client.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("guard.invalid_input", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Create_WithoutToken_Returns401()
    {
        using var response = await _client.Http.PostAsJsonAsync("/api/applications", new { name = "x", type = "SPA" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Create_WithATokenForAnotherAudience_Returns403()
    {
        var m2m = await _client.CreateApplicationAsync("MachineToMachine");
        var token = await _client.TokenAsync(("grant_type", "client_credentials"), ("client_id", m2m.GetProperty("id").GetString()!),
            ("client_secret", m2m.GetProperty("secret").GetString()!));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/applications");
        request.Headers.Authorization = new("Bearer", token.GetProperty("access_token").GetString());
        using var response = await _client.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
