using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

// These tests change the one global sign-in experience that every other test relies on: they run alone.
[CollectionDefinition(nameof(SignInExperienceTests), DisableParallelization = true)]
public sealed class SignInExperienceCollection;

/// <summary><c>/api/sign-in-exp</c> (Management API), the public well-known view, and the settings taking effect at once.</summary>
[Collection(nameof(SignInExperienceTests))]
public sealed class SignInExperienceTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private readonly PlatformStack _stack = fixture.Stack;
    private const string Callback = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Logto's defaults for a username + password tenant, what every other test expects.</summary>
    private static readonly object Defaults = new
    {
        signInMode = "SignInAndRegister",
        signUp = new { identifiers = new[] { "username" }, password = true, verify = false, secondaryIdentifiers = Array.Empty<object>() },
        signIn = new { methods = new[] { new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true } } },
        passwordPolicy = new
        {
            length = new { min = 8, max = 256 }, characterTypes = new { min = 1 },
            rejects = new { pwned = true, repetitionAndSequence = true, userInfo = true, words = Array.Empty<string>() },
        },
        agreeToTermsPolicy = "Automatic",
        termsOfUseUrl = (string?)null,
        privacyPolicyUrl = (string?)null,
        branding = new { displayName = (string?)null, logoUrl = (string?)null, darkLogoUrl = (string?)null, primaryColor = (string?)null },
    };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        using (var restore = await _client.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", Defaults))
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        _client.Dispose();
    }

    [Fact]
    public async Task Get_ReturnsLogtoDefaultsForUsernameAndPassword()
    {
        var body = await GetSettingsAsync();
        Assert.Equal("default", body.GetProperty("id").GetString());
        Assert.Equal("SignInAndRegister", body.GetProperty("signInMode").GetString());
        Assert.Equal(8, body.GetProperty("passwordPolicy").GetProperty("length").GetProperty("min").GetInt32());
        Assert.Equal(256, body.GetProperty("passwordPolicy").GetProperty("length").GetProperty("max").GetInt32());
        Assert.True(body.GetProperty("passwordPolicy").GetProperty("rejects").GetProperty("pwned").GetBoolean());
        Assert.Equal("Automatic", body.GetProperty("agreeToTermsPolicy").GetString());
        Assert.Equal(600, body.GetProperty("verificationCodePolicy").GetProperty("expirationDuration").GetInt32());
    }

    [Fact]
    public async Task Get_WithoutToken_Returns401()
    {
        using var response = await _client.Http.GetAsync("/api/sign-in-exp", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Patch_ThenGet_ReturnsTheMergedSettings()
    {
        using (var patch = await _client.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp",
            new { passwordPolicy = new { length = new { min = 12 } }, branding = new { displayName = "Acme", primaryColor = "#123456" } }))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            Assert.Equal(12, (await patch.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("passwordPolicy").GetProperty("length").GetProperty("min").GetInt32());
        }
        var body = await GetSettingsAsync();
        Assert.Equal(12, body.GetProperty("passwordPolicy").GetProperty("length").GetProperty("min").GetInt32());
        Assert.Equal(256, body.GetProperty("passwordPolicy").GetProperty("length").GetProperty("max").GetInt32());
        Assert.Equal("Acme", body.GetProperty("branding").GetProperty("displayName").GetString());

        // The hosted UI's names: branding.appName and branding.primaryColor.
        var wellKnown = await _client.Http.GetFromJsonAsync<JsonElement>("/api/.well-known/sign-in-exp", Ct);
        Assert.Equal("Acme", wellKnown.GetProperty("branding").GetProperty("appName").GetString());
        Assert.Equal("#123456", wellKnown.GetProperty("branding").GetProperty("primaryColor").GetString());
    }

    [Theory]
    [InlineData("""{"signInMode":"Sometimes"}""")]
    [InlineData("""{"agreeToTermsPolicy":"Never"}""")]
    [InlineData("""{"passwordPolicy":{"length":{"min":20,"max":10}}}""")]
    [InlineData("""{"passwordPolicy":{"characterTypes":{"min":9}}}""")]
    [InlineData("""{"passwordPolicy":{"length":{"min":"eight"}}}""")]
    [InlineData("""{"signUp":{"identifiers":["fax"]}}""")]
    [InlineData("""{"signIn":{"methods":[]}}""")]
    [InlineData("""{"agreeToTermsPolicy":"Manual"}""")]
    [InlineData("""{"branding":null}""")]
    [InlineData("""{"unknownKnob":1}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"signInMode":""")]
    public async Task Patch_WithInvalidInput_Returns400AndChangesNothing(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/sign-in-exp") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", await _client.ManagementTokenAsync());
        await AssertProblemAsync(await _client.Http.SendAsync(request, Ct), 400, "guard.invalid_input");
        Assert.Equal("SignInAndRegister", (await GetSettingsAsync()).GetProperty("signInMode").GetString());
    }

    [Fact]
    public async Task SignInOnlyMode_ForbidsRegisterAndHidesIt()
    {
        await PatchAsync(new { signInMode = "SignIn" });
        var wellKnown = await _client.Http.GetFromJsonAsync<JsonElement>("/api/.well-known/sign-in-exp", Ct);
        Assert.Equal("SignIn", wellKnown.GetProperty("signInMode").GetString());

        var app = await _client.CreateApplicationAsync("SPA", Callback);
        var clientId = app.GetProperty("id").GetString()!;
        // first_screen=register lands on sign-in: the register screen does not exist in this mode.
        using (var start = await _client.GetAsync(SigninClient.AuthorizePath(clientId, Callback, SigninClient.NewPkce().Challenge, extra: "&first_screen=register")))
            Assert.Equal(_client.PublicUrl + "/sign-in", start.Headers.Location?.ToString());
        var problem = await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "Register" }), 403, "auth.forbidden");
        Assert.Equal("Registration is disabled.", problem.GetProperty("detail").GetString());
        using var signIn = await _client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "SignIn" });
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
    }

    [Fact]
    public async Task RegisterOnlyMode_ForbidsSignIn()
    {
        await PatchAsync(new { signInMode = "Register" });
        var app = await _client.CreateApplicationAsync("SPA", Callback);
        using (var start = await _client.GetAsync(SigninClient.AuthorizePath(app.GetProperty("id").GetString()!, Callback, SigninClient.NewPkce().Challenge)))
            Assert.Equal(_client.PublicUrl + "/register", start.Headers.Location?.ToString());
        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "SignIn" }), 403, "auth.forbidden");
    }

    [Fact]
    public async Task SwitchingToSignInOnly_AfterRegisterStarted_BlocksIdentification()
    {
        var app = await _client.CreateApplicationAsync("SPA", Callback);
        using (await _client.GetAsync(SigninClient.AuthorizePath(app.GetProperty("id").GetString()!, Callback, SigninClient.NewPkce().Challenge, extra: "&first_screen=register"))) { }
        using var verification = await _client.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = SigninClient.NewUsername() }, password = "correct horse battery" });
        var verificationId = (await verification.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verificationId").GetString();
        await PatchAsync(new { signInMode = "SignIn" });
        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }), 403, "auth.forbidden");
    }

    [Fact]
    public async Task PasswordPolicyChange_AppliesToTheNextRegistration()
    {
        var app = await _client.CreateApplicationAsync("SPA", Callback);
        var clientId = app.GetProperty("id").GetString()!;
        using (await _client.GetAsync(SigninClient.AuthorizePath(clientId, Callback, SigninClient.NewPkce().Challenge, extra: "&first_screen=register"))) { }
        const string password = "correct horse battery";
        using (var accepted = await NewPasswordIdentityAsync(password)) Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        await PatchAsync(new { passwordPolicy = new { length = new { min = 30 }, characterTypes = new { min = 3 }, rejects = new { words = new[] { "horse" } } } });
        var problem = await AssertProblemAsync(await NewPasswordIdentityAsync(password), 422, "password.rejected");
        var issues = problem.GetProperty("data").GetProperty("issues").EnumerateArray().ToList();
        Assert.Equal(["password_rejected.too_short", "password_rejected.character_types", "password_rejected.restricted.words"],
            issues.Select(i => i.GetProperty("code").GetString()));
        Assert.Equal(30, issues[0].GetProperty("interpolation").GetProperty("min").GetInt32());
        Assert.Equal(["too_short", "character_types", "restricted_words"],
            problem.GetProperty("data").GetProperty("reasons").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task NewPasswordIdentity_WithCommonOrPersonalPassword_IsRejected()
    {
        var app = await _client.CreateApplicationAsync("SPA", Callback);
        using (await _client.GetAsync(SigninClient.AuthorizePath(app.GetProperty("id").GetString()!, Callback, SigninClient.NewPkce().Challenge, extra: "&first_screen=register"))) { }
        var common = await AssertProblemAsync(await NewPasswordIdentityAsync("baseball"), 422, "password.rejected");
        Assert.Equal(["password_rejected.pwned"], Codes(common));
        var username = SigninClient.NewUsername();
        var personal = await AssertProblemAsync(await NewPasswordIdentityAsync($"my name is {username}!", username), 422, "password.rejected");
        Assert.Equal(["password_rejected.restricted.user_info"], Codes(personal));
    }

    [Theory]
    [InlineData("correct horse battery staple", true, new string[0])]
    [InlineData("qwerty", false, new[] { "password_rejected.too_short", "password_rejected.pwned", "password_rejected.restricted.sequence" })]
    [InlineData("zzzz-zzzz-zzzz", false, new[] { "password_rejected.restricted.repetition" })]
    public async Task CheckPassword_AnswersLogtoShape(string password, bool result, string[] codes)
    {
        using var response = await _client.ManagementAsync(HttpMethod.Post, "/api/sign-in-exp/default/check-password", new { password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(result, body.GetProperty("result").GetBoolean());
        Assert.Equal(codes, body.TryGetProperty("issues", out var issues) ? issues.EnumerateArray().Select(i => i.GetProperty("code").GetString()!) : []);
    }

    [Fact]
    public async Task CheckPassword_WithUnknownUser_Returns404()
    {
        await AssertProblemAsync(await _client.ManagementAsync(HttpMethod.Post, "/api/sign-in-exp/default/check-password",
            new { password = "correct horse battery staple", userId = "nosuchuser12" }), 404, "entity.not_exists_with_id");
    }

    [Fact]
    public async Task ManualRegistrationTerms_SubmitWithoutAgreement_Returns422ThenRecordsTheAgreement()
    {
        const string terms = "https://example.com/terms-v2";
        await PatchAsync(new { agreeToTermsPolicy = "ManualRegistrationOnly", termsOfUseUrl = terms });
        var app = await _client.CreateApplicationAsync("SPA", Callback);
        using (await _client.GetAsync(SigninClient.AuthorizePath(app.GetProperty("id").GetString()!, Callback, SigninClient.NewPkce().Challenge, extra: "&first_screen=register"))) { }
        string? verificationId;
        using (var verification = await NewPasswordIdentityAsync("correct horse battery"))
            verificationId = (await verification.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verificationId").GetString();
        using (var identification = await _client.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }))
            Assert.Equal(HttpStatusCode.Created, identification.StatusCode);
        var userId = (await (await _client.ExperienceAsync(HttpMethod.Get, "/interaction")).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("userId").GetString();

        await AssertProblemAsync(await _client.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "terms.not_agreed");
        using (var agree = await _client.ExperienceAsync(HttpMethod.Post, "/terms/agree")) Assert.Equal(HttpStatusCode.NoContent, agree.StatusCode);
        using (var submit = await _client.ExperienceAsync(HttpMethod.Post, "/submit")) Assert.Equal(HttpStatusCode.OK, submit.StatusCode);

        await using var connection = new Npgsql.NpgsqlConnection(_stack.ConnectionString("signindb"));
        await connection.OpenAsync(Ct);
        await using var query = new Npgsql.NpgsqlCommand("SELECT interaction_event, terms_of_use_url FROM terms_acceptances WHERE user_id = @u", connection);
        query.Parameters.AddWithValue("u", userId!);
        await using var reader = await query.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal("Register", reader.GetString(0));
        Assert.Equal(terms, reader.GetString(1));
        Assert.False(await reader.ReadAsync(Ct));
    }

    [Fact]
    public async Task ManualRegistrationTerms_SignIn_NeedsNoAgreement()
    {
        var app = await _client.CreateApplicationAsync("SPA", Callback);
        var clientId = app.GetProperty("id").GetString()!;
        var username = SigninClient.NewUsername();
        await _client.RegisterAndGetCodeAsync(clientId, Callback, SigninClient.NewPkce().Challenge, username);
        await PatchAsync(new { agreeToTermsPolicy = "ManualRegistrationOnly", termsOfUseUrl = "https://example.com/terms" });

        using var browser = new SigninClient(_stack.GatewayUrl, _stack.ManagementClient);
        using (await browser.GetAsync(SigninClient.AuthorizePath(clientId, Callback, SigninClient.NewPkce().Challenge))) { }
        using var verification = await browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = "correct horse battery" });
        var verificationId = (await verification.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verificationId").GetString();
        using (var identification = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }))
            Assert.Equal(HttpStatusCode.NoContent, identification.StatusCode);
        using var submit = await browser.ExperienceAsync(HttpMethod.Post, "/submit");
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
    }

    private Task<HttpResponseMessage> NewPasswordIdentityAsync(string password, string? username = null) =>
        _client.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = username ?? SigninClient.NewUsername() }, password });

    private static string[] Codes(JsonElement problem) =>
        [.. problem.GetProperty("data").GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("code").GetString()!)];

    private async Task PatchAsync(object patch)
    {
        using var response = await _client.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", patch);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonElement> GetSettingsAsync()
    {
        using var response = await _client.ManagementAsync(HttpMethod.Get, "/api/sign-in-exp");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
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
