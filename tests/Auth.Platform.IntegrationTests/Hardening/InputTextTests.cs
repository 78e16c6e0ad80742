using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Hardening;

/// <summary>
/// Issue 10 pts 1 and 6: hostile text (NUL, lone surrogates, control characters, duplicate JSON keys) is the caller's
/// error, answered 400 <c>guard.invalid_input</c> where it enters, and never an outage for other users.
/// </summary>
public sealed class InputTextTests(PlatformStackFixture fixture) : IDisposable
{
    private const string RedirectUri = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Before the fix each NUL username made account fail and signin answer 503; about 100 of them opened the circuit
    /// breaker between signin and account, and correct passwords then got 500 for seconds.
    /// </summary>
    [Fact]
    public async Task NulUsernameBurst_IsRefusedAtTheEdge_AndARealUserSignsInDuringAndAfterIt()
    {
        var clientId = (await _client.CreateApplicationAsync("SPA", RedirectUri)).GetProperty("id").GetString()!;
        var username = SigninClient.NewUsername();
        using (var owner = new SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient))
            await owner.RegisterAndGetCodeAsync(clientId, RedirectUri, SigninClient.NewPkce().Challenge, username);

        using var attacker = new SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
        await StartSignInAsync(attacker, clientId);
        const int burst = 150;
        var answers = new HttpStatusCode[burst];
        var codes = new string?[burst];
        var signedInDuring = 0;
        await Parallel.ForAsync(0, burst, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
        {
            if (i == burst / 2) Interlocked.Add(ref signedInDuring, await SignInAsync(clientId, username) ? 1 : 0);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/experience/verification/password")
            {
                Content = Json($$"""{"identifier":{"type":"username","value":"evil\u0000{{i}}"},"password":"whatever password"}"""),
            };
            using var response = await attacker.Http.SendAsync(request, ct);
            answers[i] = response.StatusCode;
            codes[i] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString();
        });

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a));
        Assert.All(codes, c => Assert.Equal("guard.invalid_input", c));
        Assert.Equal(1, signedInDuring);
        Assert.True(await SignInAsync(clientId, username), "the real user must sign in right after the burst");
    }

    [Theory]
    [InlineData("username", "ali\u0007ce")]
    [InlineData("username", "\u202Eecila")]
    [InlineData("email", "alice\u0001@example.com")]
    [InlineData("phone", "+3361234567\t8")]
    public async Task PasswordVerification_WithControlCharactersInTheIdentifier_Returns400GuardInvalidInput(string type, string value)
    {
        var clientId = (await _client.CreateApplicationAsync("SPA", RedirectUri)).GetProperty("id").GetString()!;
        await StartSignInAsync(_client, clientId);
        using var response = await _client.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type, value }, password = "whatever password" });
        await AssertInvalidInputAsync(response);
    }

    [Fact]
    public async Task PasswordVerification_WithAnOverLongIdentifier_Returns400GuardInvalidInput()
    {
        var clientId = (await _client.CreateApplicationAsync("SPA", RedirectUri)).GetProperty("id").GetString()!;
        await StartSignInAsync(_client, clientId);
        using var response = await _client.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "email", value = new string('a', 300) + "@example.com" }, password = "whatever password" });
        await AssertInvalidInputAsync(response);
    }

    [Theory]
    [InlineData("POST", "/api/applications", """{"name":"app\u0000","type":"SPA"}""")]
    [InlineData("POST", "/api/users", """{"username":"u_nul","name":"x\u0000y"}""")]
    [InlineData("POST", "/api/organizations", """{"name":"org\u0000"}""")]
    [InlineData("POST", "/api/applications", """{"name":"app","name":"again","type":"SPA"}""")]
    [InlineData("PATCH", "/api/sign-in-exp", """{"signInMode":"SignIn","signInMode":"Register"}""")]
    [InlineData("PATCH", "/api/sign-in-exp", """{"color":{"primaryColor":"\ud800"}}""")]
    [InlineData("POST", "/api/organizations", """{"name":"deep","customData":""" + Deep + "}")]
    public async Task ManagementApi_WithHostileJson_Returns400ProblemNot500(string method, string path, string body)
    {
        using var response = await ManagementRawAsync(new HttpMethod(method), path, body);
        await AssertInvalidInputAsync(response);
    }

    [Fact]
    public async Task PatchUser_WithALoneSurrogate_Returns400ProblemNot500()
    {
        using var created = await _client.ManagementAsync(HttpMethod.Post, "/api/users", new { username = SigninClient.NewUsername() });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();
        using var response = await ManagementRawAsync(HttpMethod.Patch, $"/api/users/{id}", """{"name":"a\udc00b"}""");
        await AssertInvalidInputAsync(response);
    }

    [Theory]
    [InlineData("/api/users?page=1&search=%00")]
    [InlineData("/api/organizations?q=%00")]
    public async Task ManagementApi_WithNulInTheQuery_Returns400ProblemNot500(string path)
    {
        using var response = await ManagementRawAsync(HttpMethod.Get, path, null);
        await AssertInvalidInputAsync(response);
    }

    /// <summary>Kestrel itself refuses a decoded NUL in the path (a bare 400, before any middleware can add a body).</summary>
    [Theory]
    [InlineData("/api/users/%00")]
    [InlineData("/api/organizations/%00")]
    public async Task ManagementApi_WithNulInThePath_Returns400Not500(string path)
    {
        using var response = await ManagementRawAsync(HttpMethod.Get, path, null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private const string Deep = """[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]""";

    private async Task<HttpResponseMessage> ManagementRawAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        request.Headers.Authorization = new("Bearer", await _client.ManagementTokenAsync());
        return await _client.Http.SendAsync(request, Ct);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task StartSignInAsync(SigninClient client, string clientId)
    {
        using (await client.GetAsync(SigninClient.AuthorizePath(clientId, RedirectUri, SigninClient.NewPkce().Challenge))) { }
        using var put = await client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "SignIn" });
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
    }

    /// <summary>A whole sign-in by username and password, from a fresh browser, up to the authorization code.</summary>
    private async Task<bool> SignInAsync(string clientId, string username)
    {
        using var user = new SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
        await StartSignInAsync(user, clientId);
        using var verification = await user.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = "correct horse battery" });
        if (verification.StatusCode != HttpStatusCode.OK) return false;
        var verificationId = (await verification.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verificationId").GetString();
        using (var identification = await user.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }))
            if (identification.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.Created)) return false;
        return !string.IsNullOrEmpty(await user.SubmitAndFollowAsync(RedirectUri));
    }

    private static async Task AssertInvalidInputAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("guard.invalid_input", problem.GetProperty("code").GetString());
        Assert.Equal("urn:auth-platform:error:guard.invalid_input", problem.GetProperty("type").GetString());
    }
}
