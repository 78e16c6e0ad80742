using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>Experience API error codes (Logto's vocabulary) for bad input and out-of-order steps.</summary>
public sealed class ExperienceApiTests(PlatformStackFixture fixture) : IDisposable
{
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Put_WithoutInteraction_Returns400SessionNotFound() =>
        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "SignIn" }), 400, "session.not_found");

    [Fact]
    public async Task Submit_BeforeIdentification_Returns400SessionNotIdentified()
    {
        await StartInteractionAsync();
        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Post, "/submit"), 400, "session.not_identified");
    }

    [Fact]
    public async Task Identification_WithUnknownVerificationId_Returns400VerificationFailed()
    {
        await StartInteractionAsync();
        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId = "nope" }), 400, "session.verification_failed");
    }

    [Fact]
    public async Task PasswordVerification_WithWrongPassword_Returns422InvalidCredentials()
    {
        await StartInteractionAsync();
        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = SigninClient.NewUsername() }, password = "whatever-password" }), 422, "session.invalid_credentials");
    }

    [Fact]
    public async Task NewPasswordIdentity_WithShortPassword_Returns422PasswordRejectedTooShort()
    {
        await StartInteractionAsync("Register");
        using var response = await _client.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = SigninClient.NewUsername() }, password = "short" });
        var problem = await AssertProblemAsync(response, 422, "password.rejected");
        Assert.Equal(["too_short"], problem.GetProperty("data").GetProperty("reasons").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("""{"identifier":{"type":"username","value":"1starts_with_digit"},"password":"long enough password"}""")]
    [InlineData("""{"identifier":{"type":"email","value":"a@example.com"},"password":"long enough password"}""")]
    [InlineData("""{"identifier":{"type":"username","value":5},"password":"long enough password"}""")]
    [InlineData("""{"identifier":"alice","password":"long enough password"}""")]
    [InlineData("""{"identifier":{"type":"username","value":"alice"}}""")]
    [InlineData("""{not json""")]
    public async Task NewPasswordIdentity_WithBadInput_Returns400GuardInvalidInput(string body)
    {
        await StartInteractionAsync("Register");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/experience/verification/new-password-identity")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        await AssertProblemAsync(await _client.Http.SendAsync(request, Ct), 400, "guard.invalid_input");
    }

    [Fact]
    public async Task NewPasswordIdentity_WithATakenUsername_Returns422UsernameAlreadyInUse()
    {
        var app = await _client.CreateApplicationAsync("SPA", "http://localhost:3000/callback");
        var username = SigninClient.NewUsername();
        // The first person registers (their browser keeps the session); a second browser tries the same username.
        using (var first = new SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient))
            await first.RegisterAndGetCodeAsync(app.GetProperty("id").GetString()!, "http://localhost:3000/callback", SigninClient.NewPkce().Challenge, username);
        await StartInteractionAsync("Register");
        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = username }, password = "another long password" }), 422, "user.username_already_in_use");
    }

    [Fact]
    public async Task Put_WithUnknownEvent_Returns400GuardInvalidInput()
    {
        await StartInteractionAsync();
        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "Hack" }), 400, "guard.invalid_input");
    }

    [Fact]
    public async Task SignInExperience_DescribesUsernameAndPassword()
    {
        var body = await _client.Http.GetFromJsonAsync<JsonElement>("/api/.well-known/sign-in-exp", Ct);
        Assert.Equal("SignInAndRegister", body.GetProperty("signInMode").GetString());
        Assert.Equal(["username"], body.GetProperty("signUp").GetProperty("identifiers").EnumerateArray().Select(e => e.GetString()));
    }

    private async Task StartInteractionAsync(string @event = "SignIn")
    {
        var app = await _client.CreateApplicationAsync("SPA", "http://localhost:3000/callback");
        using (await _client.GetAsync(SigninClient.AuthorizePath(app.GetProperty("id").GetString()!, "http://localhost:3000/callback", SigninClient.NewPkce().Challenge))) { }
        using var put = await _client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = @event });
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        using (response)
        {
            Assert.Equal(status, (int)response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.Equal("urn:auth-platform:error:" + code, problem.GetProperty("type").GetString());
            return problem;
        }
    }
}
