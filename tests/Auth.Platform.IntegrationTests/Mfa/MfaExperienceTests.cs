using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.AppHost.Hosting;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using Auth.Platform.UnitTests.Mfa;

namespace Auth.Platform.IntegrationTests.Mfa;

[CollectionDefinition(nameof(MfaExperienceTests), DisableParallelization = true)]
public sealed class MfaExperienceCollection;

/// <summary>
/// MFA through the gateway like the hosted UI drives it: TOTP codes from otplib (an independent implementation),
/// backup codes, WebAuthn ceremonies from a software authenticator with real keys, the submit gate and the policies.
/// Sequential: the tests change the tenant's sign-in experience.
/// </summary>
[Collection(nameof(MfaExperienceTests))]
public sealed partial class MfaExperienceTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string RedirectUri = "http://localhost:3000/callback";
    private const string Password = "correct horse battery";
    private readonly List<SigninClient> _clients = [];
    private string _clientId = "";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync()
    {
        var admin = NewBrowser();
        _clientId = (await admin.CreateApplicationAsync("SPA", RedirectUri)).GetProperty("id").GetString()!;
        // NoPrompt: the factor tests bind on purpose; the policy tests set their own policy.
        await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
    }

    public async ValueTask DisposeAsync()
    {
        await SetMfaAsync([], "UserControlled");
        foreach (var c in _clients) c.Dispose();
    }

    private SigninClient NewBrowser()
    {
        var client = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        _clients.Add(client);
        return client;
    }

    private async Task SetMfaAsync(string[] factors, string policy)
    {
        using var response = await NewBrowser().ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new { mfa = new { factors, policy } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    // ---------- TOTP ----------

    [Fact]
    public async Task Totp_BoundWithAnOtplibCode_ThenSignInNeedsAFreshCode_AndEachCodeWorksOnce()
    {
        var (username, userId) = await RegisterAsync();
        var enrolling = await SignInWithPasswordAsync(username);
        var (secret, enrolledAt) = await EnrolTotpWithEpochAsync(enrolling);
        await enrolling.SubmitAndFollowAsync(RedirectUri);

        // Sign-in: password alone is not enough once a factor is bound.
        var browser = await SignInWithPasswordAsync(username);
        var gate = await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
        Assert.Equal(["Totp"], gate.GetProperty("data").GetProperty("availableFactors").EnumerateArray().Select(e => e.GetString()));

        // The enrolment code's step is used up: the same code (still inside the window) is a replay.
        await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = await OtplibCodeAsync(secret, enrolledAt) }),
            400, "session.mfa.invalid_totp_code");
        // The step after the enrolment's is inside the ±1 window (the test takes well under 30 s) and new.
        var next = await OtplibCodeAsync(secret, enrolledAt + 30);
        using (var ok = await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = next }))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await browser.SubmitAndFollowAsync(RedirectUri);

        // Another browser replaying that code is refused.
        var attacker = await SignInWithPasswordAsync(username);
        await ProblemAsync(await attacker.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = next }), 400, "session.mfa.invalid_totp_code");
        await ProblemAsync(await attacker.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");

        var factors = await InternalFactorsAsync(userId);
        Assert.Equal(["Totp"], factors.EnumerateArray().Select(f => f.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Totp_TenWrongCodes_LockTheFactorWith429AndRetryAfter_EvenForTheRightCode()
    {
        var (username, _) = await RegisterAsync();
        var secret = await BindTotpAsync(username);
        var browser = await SignInWithPasswordAsync(username);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var right = await OtplibCodeAsync(secret, now + 30);
        var wrong = right == "000000" ? "111111" : "000000";
        for (var i = 0; i < 10; i++)
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = wrong }), 400, "session.mfa.invalid_totp_code");
        using var locked = await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = right });
        var problem = await ProblemAsync(locked, 429, "session.verification_blocked_too_many_attempts");
        var retryAfter = problem.GetProperty("data").GetProperty("retryAfter").GetInt32();
        Assert.InRange(retryAfter, 1, 15 * 60);
        Assert.Equal(TimeSpan.FromSeconds(retryAfter), locked.Headers.RetryAfter?.Delta);

        // Pools are per factor: backup codes of the same user are not locked by TOTP failures.
        await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = "0123456789abcdef" }),
            400, "session.mfa.mfa_factor_not_enabled");
    }

    // ---------- backup codes ----------

    [Fact]
    public async Task BackupCodes_EachSignsInOnce_AndRegeneratingInvalidatesTheOldSet()
    {
        var (username, userId) = await RegisterAsync();
        var secret = await BindTotpAsync(username, submit: false, out var enrolling);
        var codes = await BindBackupCodesAsync(await enrolling);
        Assert.Equal(10, codes.Length);
        Assert.All(codes, c => Assert.Matches("^[0-9a-f]{16}$", c));

        var first = await SignInWithPasswordAsync(username);
        using (var ok = await first.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = codes[0].ToUpperInvariant() }))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await first.SubmitAndFollowAsync(RedirectUri);
        Assert.Equal(9, RemainCodes(await InternalFactorsAsync(userId)));

        var again = await SignInWithPasswordAsync(username);
        await ProblemAsync(await again.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = codes[0] }), 400, "session.mfa.invalid_backup_code");

        // A new set (after passing MFA with an old code) replaces the old one.
        using (var ok = await again.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = codes[1] }))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var fresh = await BindBackupCodesAsync(again);
        Assert.Equal(10, RemainCodes(await InternalFactorsAsync(userId)));

        var third = await SignInWithPasswordAsync(username);
        await ProblemAsync(await third.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = codes[2] }), 400, "session.mfa.invalid_backup_code");
        using (var ok = await third.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = fresh[0] }))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await third.SubmitAndFollowAsync(RedirectUri);
        _ = secret;
    }

    [Fact]
    public async Task BindingANewFactor_WhenTheUserHasOne_NeedsMfaFirst()
    {
        var (username, _) = await RegisterAsync();
        await BindTotpAsync(username);
        // Someone with the password alone tries to add their own authenticator.
        var attacker = await SignInWithPasswordAsync(username);
        var generated = await JsonAsync(await attacker.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/generate"));
        await ProblemAsync(await attacker.ExperienceAsync(HttpMethod.Post, "/profile/mfa", new { type = "BackupCode", verificationId = generated.GetProperty("verificationId").GetString() }),
            403, "session.mfa.require_mfa_verification");
    }

    // ---------- policy ----------

    [Fact]
    public async Task MandatoryPolicy_RegistrationCannotSubmitUntilAFactorIsBound()
    {
        await SetMfaAsync(["Totp", "BackupCode"], "Mandatory");
        try
        {
            var browser = NewBrowser();
            var username = SigninClient.NewUsername();
            await StartAsync(browser, "Register");
            var verification = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
                new { identifier = new { type = "username", value = username }, password = Password }));
            using (var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId = verification.GetProperty("verificationId").GetString() }))
                Assert.Equal(HttpStatusCode.Created, identified.StatusCode);
            var missing = await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "user.missing_mfa");
            Assert.Equal(["Totp"], missing.GetProperty("data").GetProperty("availableFactors").EnumerateArray().Select(e => e.GetString()));

            await EnrolTotpAsync(browser);
            // Backup codes are enabled: after the first factor, a set must be saved (Logto's backup_code_required).
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "session.mfa.backup_code_required");
            await BindBackupCodesAsync(browser);
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    [Theory]
    [InlineData("""{"mfa":{"policy":"Sometimes"}}""")]
    [InlineData("""{"mfa":{"factors":["Sms"]}}""")]
    [InlineData("""{"mfa":{"factors":["BackupCode"]}}""")]
    [InlineData("""{"mfa":{"factors":["Totp","Totp"]}}""")]
    [InlineData("""{"mfa":{"factors":[],"policy":"Mandatory"}}""")]
    [InlineData("""{"mfa":{"organizationRequiredMfaPolicy":"Always"}}""")]
    [InlineData("""{"mfa":{"organizationRequiredMfaPolicy":null}}""")]
    public async Task SignInExperiencePatch_WithInvalidMfa_Returns400(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/sign-in-exp") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        var admin = NewBrowser();
        request.Headers.Authorization = new("Bearer", await admin.ManagementTokenAsync());
        await ProblemAsync(await admin.Http.SendAsync(request, Ct), 400, "guard.invalid_input");
    }

    [Fact]
    public async Task PublicSignInExperience_PublishesTheMfaFactorsAndPolicy_ForTheHostedUi()
    {
        await SetMfaAsync(["WebAuthn", "Totp"], "Mandatory");
        var body = await NewBrowser().Http.GetFromJsonAsync<JsonElement>("/api/.well-known/sign-in-exp", Ct);
        var mfa = body.GetProperty("mfa");
        Assert.Equal(["WebAuthn", "Totp"], mfa.GetProperty("factors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Mandatory", mfa.GetProperty("policy").GetString());
    }

    // ---------- WebAuthn ----------

    [Fact]
    public async Task WebAuthn_RegisteredThenUsedAsSecondFactor_AndAsPasskeyWithoutPassword()
    {
        var (username, userId) = await RegisterAsync();
        using var authenticator = new TestAuthenticator();
        var browser = await SignInWithPasswordAsync(username);
        await RegisterWebAuthnAsync(browser, authenticator);
        await browser.SubmitAndFollowAsync(RedirectUri);
        // Named after the browser that made it (this client sends no User-Agent), so several passkeys can be told apart.
        Assert.Equal("Passkey (Browser)", (await InternalFactorsAsync(userId)).EnumerateArray().Single().GetProperty("name").GetString());

        // Second factor after the password.
        var second = await SignInWithPasswordAsync(username);
        await ProblemAsync(await second.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
        var options = await JsonAsync(await second.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/authentication"));
        var allowed = options.GetProperty("authenticationOptions").GetProperty("allowCredentials").EnumerateArray().Select(c => c.GetProperty("id").GetString());
        Assert.Equal([Base64Url.EncodeToString(authenticator.CredentialId)], allowed);
        var assertion = authenticator.Assert(Challenge(options, "authenticationOptions"), Gateway());
        using (var verified = await second.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/authentication/verify",
            new { verificationId = options.GetProperty("verificationId").GetString(), payload = assertion }))
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        await second.SubmitAndFollowAsync(RedirectUri);

        // Passkey first: no identifier, no password; the user handle names the user.
        var passkey = NewBrowser();
        var (verifier, challenge) = SigninClient.NewPkce();
        using (await passkey.GetAsync(SigninClient.AuthorizePath(_clientId, RedirectUri, challenge))) { }
        using (var put = await passkey.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "SignIn" }))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var preflight = await JsonAsync(await passkey.ExperienceAsync(HttpMethod.Post, "/preflight/sign-in-passkey/authentication"));
        Assert.Empty(preflight.GetProperty("authenticationOptions").GetProperty("allowCredentials").EnumerateArray());
        var discoverable = authenticator.Assert(Challenge(preflight, "authenticationOptions"), Gateway() with { UserHandle = Encoding.UTF8.GetBytes(userId) });
        using (var verified = await passkey.ExperienceAsync(HttpMethod.Post, "/verification/sign-in-passkey/authentication/verify",
            new { verificationId = preflight.GetProperty("verificationId").GetString(), payload = discoverable }))
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var tokens = await passkey.RedeemAsync(_clientId, await passkey.SubmitAndFollowAsync(RedirectUri), RedirectUri, verifier);
        // A passkey is possession plus user verification: multi-factor on its own.
        Assert.Equal(["hwk", "mfa"], SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("amr").EnumerateArray().Select(e => e.GetString()));
    }

    public static TheoryData<string, string> TamperedAssertions => new()
    {
        { "origin", WebAuthnReasonCodes.OriginMismatch },
        { "rpId", WebAuthnReasonCodes.RpIdHashMismatch },
        { "up", WebAuthnReasonCodes.UserNotPresent },
        { "signature", WebAuthnReasonCodes.BadSignature },
        { "challenge", WebAuthnReasonCodes.ChallengeMismatch },
    };

    [Theory]
    [MemberData(nameof(TamperedAssertions))]
    public async Task WebAuthn_TamperedAssertion_Returns400WithItsReason_AndTheChallengeIsSpent(string tamper, string reason)
    {
        var (username, _) = await RegisterAsync();
        using var authenticator = new TestAuthenticator();
        var browser = await SignInWithPasswordAsync(username);
        await RegisterWebAuthnAsync(browser, authenticator);
        await browser.SubmitAndFollowAsync(RedirectUri);

        var second = await SignInWithPasswordAsync(username);
        var options = await JsonAsync(await second.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/authentication"));
        var challenge = Challenge(options, "authenticationOptions");
        var assertion = tamper switch
        {
            "origin" => authenticator.Assert(challenge, Gateway() with { Origin = "http://evil.localhost:1" }),
            "rpId" => authenticator.Assert(challenge, Gateway() with { RpId = "evil.example" }),
            "up" => authenticator.Assert(challenge, Gateway() with { Flags = 0x04 }),
            "signature" => authenticator.Assert(challenge, Gateway() with { TamperSignature = true }),
            _ => authenticator.Assert(new byte[32], Gateway()),
        };
        var verificationId = options.GetProperty("verificationId").GetString();
        var problem = await ProblemAsync(await second.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/authentication/verify",
            new { verificationId, payload = assertion }), 400, "session.mfa.webauthn_verification_failed");
        Assert.Equal(reason, problem.GetProperty("data").GetProperty("reason").GetString());
        // W-A14: the challenge was consumed by the failure; a correct answer to it is refused too.
        var good = authenticator.Assert(challenge, Gateway());
        await ProblemAsync(await second.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/authentication/verify", new { verificationId, payload = good }),
            404, "session.verification_session_not_found");
        await ProblemAsync(await second.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
    }

    [Fact]
    public async Task WebAuthn_MalformedPayload_Returns400Malformed()
    {
        var (username, _) = await RegisterAsync();
        var browser = await SignInWithPasswordAsync(username);
        var options = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/registration"));
        var problem = await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/registration/verify", new
        {
            verificationId = options.GetProperty("verificationId").GetString(),
            payload = new { id = "AAAA", rawId = "AAAA", type = "public-key", response = new { clientDataJSON = "e30", attestationObject = "_w" } },
        }), 400, "session.mfa.webauthn_verification_failed");
        Assert.Equal("malformed", problem.GetProperty("data").GetProperty("reason").GetString());
    }

    // ---------- internal API ----------

    [Fact]
    public async Task InternalApi_WithoutAServiceToken_Returns401()
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("mfa") };
        using var response = await http.GetAsync("/internal/mfa/users/someone/factors", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Gateway_DoesNotRouteTheInternalApi()
    {
        using var response = await NewBrowser().GetAsync("/internal/mfa/users/someone/factors");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // ---------- helpers ----------

    private static class WebAuthnReasonCodes
    {
        public const string OriginMismatch = "origin_mismatch", RpIdHashMismatch = "rp_id_hash_mismatch", UserNotPresent = "user_not_present",
            BadSignature = "bad_signature", ChallengeMismatch = "challenge_mismatch";
    }

    private TestAuthenticator.AssertionOptions Gateway() => new() { Origin = Stack.GatewayUrl.GetLeftPart(UriPartial.Authority), RpId = Stack.GatewayUrl.Host };

    private static byte[] Challenge(JsonElement options, string property) =>
        Base64Url.DecodeFromChars(options.GetProperty(property).GetProperty("challenge").GetString());

    private async Task RegisterWebAuthnAsync(SigninClient browser, TestAuthenticator authenticator)
    {
        var options = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/registration"));
        var registration = options.GetProperty("registrationOptions");
        Assert.Equal(Stack.GatewayUrl.Host, registration.GetProperty("rp").GetProperty("id").GetString());
        var response = authenticator.Register(Challenge(options, "registrationOptions"),
            new() { Origin = Stack.GatewayUrl.GetLeftPart(UriPartial.Authority), RpId = Stack.GatewayUrl.Host, Format = "packed" });
        var verificationId = options.GetProperty("verificationId").GetString();
        using (var verified = await browser.ExperienceAsync(HttpMethod.Post, "/verification/web-authn/registration/verify", new { verificationId, payload = response }))
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        using var bound = await browser.ExperienceAsync(HttpMethod.Post, "/profile/mfa", new { type = "WebAuthn", verificationId });
        Assert.Equal(HttpStatusCode.NoContent, bound.StatusCode);
    }

    private async Task StartAsync(SigninClient browser, string @event)
    {
        using (await browser.GetAsync(SigninClient.AuthorizePath(_clientId, RedirectUri, SigninClient.NewPkce().Challenge))) { }
        using var put = await browser.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = @event });
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
    }

    private async Task<(string Username, string UserId)> RegisterAsync()
    {
        var browser = NewBrowser();
        var username = SigninClient.NewUsername();
        await browser.RegisterAndGetCodeAsync(_clientId, RedirectUri, SigninClient.NewPkce().Challenge, username, Password);
        var lookup = await InternalAsync(HttpMethod.Get, Stack.ServiceUrl("account"), $"/internal/users/lookup?type=username&value={username}");
        return (username, lookup.GetProperty("id").GetString()!);
    }

    private async Task<SigninClient> SignInWithPasswordAsync(string username)
    {
        var browser = NewBrowser();
        await StartAsync(browser, "SignIn");
        var verification = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = Password }));
        using var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId = verification.GetProperty("verificationId").GetString() });
        Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
        return browser;
    }

    /// <summary>Enrols TOTP in the browser's interaction (secret → otplib code → verify → bind); returns the secret.</summary>
    private static async Task<string> EnrolTotpAsync(SigninClient browser) => (await EnrolTotpWithEpochAsync(browser)).Secret;

    /// <summary>Also returns the time the confirming code was computed for, so tests can replay exactly that code.</summary>
    private static async Task<(string Secret, long Epoch)> EnrolTotpWithEpochAsync(SigninClient browser)
    {
        var created = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/secret"));
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        Assert.StartsWith("data:image/png;base64,", created.GetProperty("secretQrCode").GetString());
        var verificationId = created.GetProperty("verificationId").GetString();
        var epoch = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var code = await OtplibCodeAsync(secret, epoch);
        using (var verified = await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code, verificationId }))
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        using var bound = await browser.ExperienceAsync(HttpMethod.Post, "/profile/mfa", new { type = "Totp", verificationId });
        Assert.Equal(HttpStatusCode.NoContent, bound.StatusCode);
        return (secret, epoch);
    }

    private async Task<string> BindTotpAsync(string username)
    {
        var browser = await SignInWithPasswordAsync(username);
        var secret = await EnrolTotpAsync(browser);
        // Binding in this interaction counts as passing MFA.
        await browser.SubmitAndFollowAsync(RedirectUri);
        return secret;
    }

    private Task<string> BindTotpAsync(string username, bool submit, out Task<SigninClient> browser)
    {
        var tcs = new TaskCompletionSource<SigninClient>();
        browser = tcs.Task;
        return Run();
        async Task<string> Run()
        {
            var b = await SignInWithPasswordAsync(username);
            var secret = await EnrolTotpAsync(b);
            if (submit) await b.SubmitAndFollowAsync(RedirectUri);
            tcs.SetResult(b);
            return secret;
        }
    }

    private async Task<string[]> BindBackupCodesAsync(SigninClient browser)
    {
        var generated = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/generate"));
        using var bound = await browser.ExperienceAsync(HttpMethod.Post, "/profile/mfa", new { type = "BackupCode", verificationId = generated.GetProperty("verificationId").GetString() });
        Assert.Equal(HttpStatusCode.NoContent, bound.StatusCode);
        await browser.SubmitAndFollowAsync(RedirectUri);
        return [.. generated.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)];
    }

    private static int RemainCodes(JsonElement factors) =>
        factors.EnumerateArray().Single(f => f.GetProperty("type").GetString() == "BackupCode").GetProperty("remainCodes").GetInt32();

    private Task<JsonElement> InternalFactorsAsync(string userId) => InternalAsync(HttpMethod.Get, Stack.ServiceUrl("mfa"), $"/internal/mfa/users/{userId}/factors");

    private async Task<JsonElement> InternalAsync(HttpMethod method, Uri service, string path)
    {
        using var http = new HttpClient { BaseAddress = service };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Stack.ServiceTokenAsync(Ct));
        return await JsonAsync(await http.SendAsync(request, Ct));
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status, string code)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {text}");
            var problem = JsonDocument.Parse(text).RootElement.Clone();
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.Equal("urn:auth-platform:error:" + code, problem.GetProperty("type").GetString());
            return problem;
        }
    }

    private static Task<string> OtplibCodeAsync(string secret, long epochSeconds) => Otplib.CodeAsync(secret, epochSeconds, Ct);
}
