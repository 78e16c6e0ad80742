using System.Net;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Mfa;

/// <summary>
/// Email and SMS codes as a second factor, the prompt policies (ask, skip, ask once), the recovery path for a lost
/// authenticator, and the <c>amr</c> the tokens carry.
/// </summary>
public sealed partial class MfaExperienceTests
{
    // ---------- email / SMS codes as a second factor ----------

    [Theory]
    [InlineData("email")]
    [InlineData("phone")]
    public async Task CodeToTheAccountsAddress_IsASecondFactor_AndTheTokensSayPwdOtpMfa(string identifierType)
    {
        var factor = identifierType == "email" ? "EmailVerificationCode" : "PhoneVerificationCode";
        await SetMfaAsync([factor, "Totp"], "NoPrompt");
        try
        {
            var (username, address, inbox) = await CreateUserWithAddressAsync(identifierType);
            var (browser, verifier) = await SignInWithPasswordKeepingVerifierAsync(username);
            var gate = await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
            Assert.Equal([factor], gate.GetProperty("data").GetProperty("availableFactors").EnumerateArray().Select(e => e.GetString()));
            // Where the code will go, without the address itself.
            var masked = gate.GetProperty("data").GetProperty("maskedIdentifiers").GetProperty(factor).GetString()!;
            Assert.Equal(identifierType == "email" ? address[..2] + "****@example.com" : "****" + address[^4..], masked);

            var sent = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code", new { identifierType }));
            var verificationId = sent.GetProperty("verificationId").GetString();
            var message = Assert.Single(await Stack.MailToAsync(inbox, 1, Ct));
            var code = DevInbox.CodeIn(message.Text);
            if (identifierType == "email") Assert.Equal("Your two-step verification code", message.Subject);

            var wrong = code == "000000" ? "111111" : "000000";
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code/verify",
                new { verificationId, code = wrong, identifierType }), 400, "verification_code.code_mismatch");
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
            using (var ok = await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code/verify", new { verificationId, code, identifierType }))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

            var tokens = await browser.RedeemAsync(_clientId, await browser.SubmitAndFollowAsync(RedirectUri), RedirectUri, verifier);
            var amr = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("amr").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.Equal(identifierType == "email" ? ["pwd", "otp", "mfa"] : ["pwd", "sms", "mfa"], amr);
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    [Fact]
    public async Task MfaCode_GoesOnlyToTheAccountsOwnAddress_AndNeedsTheFactorEnabled()
    {
        var (username, _, _) = await CreateUserWithAddressAsync("email");
        var browser = await SignInWithPasswordAsync(username);
        // Email codes are not an enabled factor in this test class's default settings.
        await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code", new { identifierType = "email" }),
            400, "session.mfa.mfa_factor_not_enabled");
        await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code", new { identifierType = "fax" }),
            400, "guard.invalid_input");

        await SetMfaAsync(["PhoneVerificationCode", "Totp"], "NoPrompt");
        try
        {
            // The user has no phone: nowhere to send a code, whatever the request says.
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code", new { identifierType = "phone", value = "+33612345678" }),
                400, "session.mfa.mfa_factor_not_enabled");
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    [Fact]
    public async Task EmailCodeThatIdentifiedTheUser_CannotAlsoBeTheirSecondFactor()
    {
        var (username, address, inbox) = await CreateUserWithAddressAsync("email");
        await BindTotpAsync(username);
        using (var patched = await NewBrowser().ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new
        {
            signIn = new { methods = new object[]
            {
                new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true },
                new { identifier = "email", password = true, verificationCode = true, isPasswordPrimary = false },
            } },
            mfa = new { factors = new[] { "EmailVerificationCode", "Totp" }, policy = "NoPrompt" },
        }))
            Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync(Ct));
        try
        {
            var browser = NewBrowser();
            await StartAsync(browser, "SignIn");
            var sent = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/verification-code",
                new { identifier = new { type = "email", value = address }, interactionEvent = "SignIn" }));
            var verificationId = sent.GetProperty("verificationId").GetString();
            var code = DevInbox.CodeIn((await Stack.MailToAsync(inbox, 1, Ct)).Last().Text);
            using (var verified = await browser.ExperienceAsync(HttpMethod.Post, "/verification/verification-code/verify",
                new { identifier = new { type = "email", value = address }, verificationId, code }))
                Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
            using (var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }))
                Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);

            var gate = await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
            Assert.Equal(["Totp"], gate.GetProperty("data").GetProperty("availableFactors").EnumerateArray().Select(e => e.GetString()));
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code", new { identifierType = "email" }),
                400, "session.mfa.mfa_factor_not_enabled");
        }
        finally
        {
            using var restored = await NewBrowser().ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new
            {
                signIn = new { methods = new[] { new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true } } },
                mfa = new { factors = new[] { "Totp", "WebAuthn", "BackupCode" }, policy = "NoPrompt" },
            });
            Assert.True(restored.IsSuccessStatusCode, await restored.Content.ReadAsStringAsync(Ct));
        }
    }

    [Fact]
    public async Task MfaCodeAttempts_HaveTheirOwnCounter_AndLockWith429()
    {
        using (var patched = await NewBrowser().ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new
        {
            sentinelPolicy = new { maxAttempts = 4, lockoutDuration = 60 },
            mfa = new { factors = new[] { "EmailVerificationCode", "Totp" }, policy = "NoPrompt" },
        }))
            Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync(Ct));
        try
        {
            var (username, _, inbox) = await CreateUserWithAddressAsync("email");
            var browser = await SignInWithPasswordAsync(username);
            var sent = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code", new { identifierType = "email" }));
            var verificationId = sent.GetProperty("verificationId").GetString();
            var code = DevInbox.CodeIn(Assert.Single(await Stack.MailToAsync(inbox, 1, Ct)).Text);
            var wrong = code == "000000" ? "111111" : "000000";
            for (var i = 0; i < 3; i++)
                await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code/verify",
                    new { verificationId, code = wrong, identifierType = "email" }), 400, "verification_code.code_mismatch");
            // The fourth failure reaches the policy's limit; from then on even the right code is refused.
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code/verify",
                new { verificationId, code = wrong, identifierType = "email" }), 429, "session.verification_blocked_too_many_attempts");
            using var locked = await browser.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code/verify", new { verificationId, code, identifierType = "email" });
            var problem = await ProblemAsync(locked, 429, "session.verification_blocked_too_many_attempts");
            Assert.InRange(problem.GetProperty("data").GetProperty("retryAfter").GetInt32(), 1, 3600);
            Assert.NotNull(locked.Headers.RetryAfter);
            // The user's password counter is another pool: the password still identifies them.
            await SignInWithPasswordAsync(username);
        }
        finally
        {
            using var restored = await NewBrowser().ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new
            {
                sentinelPolicy = new { maxAttempts = 100, lockoutDuration = 60 },
                mfa = new { factors = new[] { "Totp", "WebAuthn", "BackupCode" }, policy = "NoPrompt" },
            });
            Assert.True(restored.IsSuccessStatusCode, await restored.Content.ReadAsStringAsync(Ct));
        }
    }

    // ---------- prompt policies ----------

    [Fact]
    public async Task PromptAtSignInAndSignUp_AsksAtRegistration_CanBeSkipped_AndAsksOnlyOnce()
    {
        await SetMfaAsync(["Totp", "BackupCode"], "PromptAtSignInAndSignUp");
        try
        {
            var browser = await StartRegistrationAsync();
            var missing = await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "user.missing_mfa");
            Assert.True(missing.GetProperty("data").GetProperty("skippable").GetBoolean());
            Assert.Equal(["Totp"], missing.GetProperty("data").GetProperty("availableFactors").EnumerateArray().Select(e => e.GetString()));
            using (var skipped = await browser.ExperienceAsync(HttpMethod.Post, "/profile/mfa/mfa-skipped"))
                Assert.Equal(HttpStatusCode.NoContent, skipped.StatusCode);
            await browser.SubmitAndFollowAsync(RedirectUri);

            // The skip was remembered for the user: the next sign-in is not asked again.
            var again = await SignInWithPasswordAsync(_lastRegistered!);
            await again.SubmitAndFollowAsync(RedirectUri);
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    [Fact]
    public async Task PromptOnlyAtSignIn_LeavesRegistrationAlone_ThenAsksAtSignIn()
    {
        await SetMfaAsync(["Totp"], "PromptOnlyAtSignIn");
        try
        {
            var browser = await StartRegistrationAsync();
            await browser.SubmitAndFollowAsync(RedirectUri);
            var signIn = await SignInWithPasswordAsync(_lastRegistered!);
            var missing = await ProblemAsync(await signIn.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "user.missing_mfa");
            Assert.True(missing.GetProperty("data").GetProperty("skippable").GetBoolean());
            await EnrolTotpAsync(signIn);
            await signIn.SubmitAndFollowAsync(RedirectUri);
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    [Fact]
    public async Task MandatoryPolicy_CannotBeSkipped()
    {
        await SetMfaAsync(["Totp"], "Mandatory");
        try
        {
            var browser = await StartRegistrationAsync();
            var missing = await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "user.missing_mfa");
            Assert.False(missing.GetProperty("data").GetProperty("skippable").GetBoolean());
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/profile/mfa/mfa-skipped"), 422, "session.mfa.mfa_policy_not_user_controlled");
            await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "user.missing_mfa");
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    [Fact]
    public async Task MandatoryEmailFactor_UserWithoutEmail_BindsOneWithABindMfaCode_AndItCountsAsTheSecondFactor()
    {
        var (username, userId) = await RegisterAsync();
        await SetMfaAsync(["EmailVerificationCode"], "Mandatory");
        try
        {
            var (browser, verifier) = await SignInWithPasswordKeepingVerifierAsync(username);
            var missing = await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "user.missing_mfa");
            Assert.Equal(["EmailVerificationCode"], missing.GetProperty("data").GetProperty("availableFactors").EnumerateArray().Select(e => e.GetString()));

            var email = username + "@example.com";
            var sent = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/verification-code",
                new { identifier = new { type = "email", value = email }, interactionEvent = "SignIn" }));
            var verificationId = sent.GetProperty("verificationId").GetString();
            var message = Assert.Single(await Stack.MailToAsync(email, 1, Ct));
            Assert.Equal("Set up two-step verification", message.Subject);
            using (var verified = await browser.ExperienceAsync(HttpMethod.Post, "/verification/verification-code/verify",
                new { identifier = new { type = "email", value = email }, verificationId, code = DevInbox.CodeIn(message.Text) }))
                Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
            using (var profile = await browser.ExperienceAsync(HttpMethod.Post, "/profile", new { type = "email", verificationId }))
                Assert.Equal(HttpStatusCode.NoContent, profile.StatusCode);

            var tokens = await browser.RedeemAsync(_clientId, await browser.SubmitAndFollowAsync(RedirectUri), RedirectUri, verifier);
            Assert.Equal(["pwd", "otp", "mfa"], SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("amr").EnumerateArray().Select(e => e.GetString()));
            var user = await InternalAsync(HttpMethod.Get, Stack.ServiceUrl("account"), $"/internal/users/{userId}");
            Assert.Equal(email, user.GetProperty("primaryEmail").GetString());
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    [Fact]
    public async Task SkipMfaOnSignIn_SetByAnAdmin_LetsTheUserInWithoutTheFactor_UnlessMfaIsMandatory()
    {
        var (username, userId) = await RegisterAsync();
        await BindTotpAsync(username);
        using (var patched = await NewBrowser().ManagementAsync(HttpMethod.Patch, $"/api/users/{userId}/logto-configs", new { mfa = new { skipMfaOnSignIn = true } }))
            Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync(Ct));

        var (browser, verifier) = await SignInWithPasswordKeepingVerifierAsync(username);
        var tokens = await browser.RedeemAsync(_clientId, await browser.SubmitAndFollowAsync(RedirectUri), RedirectUri, verifier);
        // No second factor was used, and the token says so.
        Assert.Equal(["pwd"], SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("amr").EnumerateArray().Select(e => e.GetString()));

        await SetMfaAsync(["Totp"], "Mandatory");
        try
        {
            var mandatory = await SignInWithPasswordAsync(username);
            await ProblemAsync(await mandatory.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    [Fact]
    public async Task AnAddressAddedWithThePasswordAlone_DoesNotReplaceTheUsersAuthenticator()
    {
        var (username, _) = await RegisterAsync();
        await BindTotpAsync(username);
        await SetMfaAsync(["Totp", "EmailVerificationCode"], "NoPrompt");
        try
        {
            // Someone with the password only adds an email they control (the account has none) and proves it with a code.
            var attacker = await SignInWithPasswordAsync(username);
            var email = "attacker_" + username + "@example.com";
            var sent = await JsonAsync(await attacker.ExperienceAsync(HttpMethod.Post, "/verification/verification-code",
                new { identifier = new { type = "email", value = email }, interactionEvent = "SignIn" }));
            var verificationId = sent.GetProperty("verificationId").GetString();
            using (var verified = await attacker.ExperienceAsync(HttpMethod.Post, "/verification/verification-code/verify",
                new { identifier = new { type = "email", value = email }, verificationId, code = DevInbox.CodeIn(Assert.Single(await Stack.MailToAsync(email, 1, Ct)).Text) }))
                Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
            using (var profile = await attacker.ExperienceAsync(HttpMethod.Post, "/profile", new { type = "email", verificationId }))
                Assert.Equal(HttpStatusCode.NoContent, profile.StatusCode);

            // The user's TOTP is still what stands in the way; the new address is not a factor to verify with.
            var gate = await ProblemAsync(await attacker.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
            Assert.Equal(["Totp"], gate.GetProperty("data").GetProperty("availableFactors").EnumerateArray().Select(e => e.GetString()));
            await ProblemAsync(await attacker.ExperienceAsync(HttpMethod.Post, "/verification/mfa-verification-code", new { identifierType = "email" }),
                400, "session.mfa.mfa_factor_not_enabled");
        }
        finally
        {
            await SetMfaAsync(["Totp", "WebAuthn", "BackupCode"], "NoPrompt");
        }
    }

    // ---------- recovery ----------

    [Fact]
    public async Task LostAuthenticator_BackupCodeThenNewTotp_ReplacesTheOldOne()
    {
        var (username, userId) = await RegisterAsync();
        var oldSecret = await BindTotpAsync(username, submit: false, out var enrolling);
        var codes = await BindBackupCodesAsync(await enrolling);

        // The phone is lost: a backup code passes MFA, and a new authenticator is set up in the same interaction.
        var (recovering, verifier) = await SignInWithPasswordKeepingVerifierAsync(username);
        using (var ok = await recovering.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = codes[0] }))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var (newSecret, enrolledAt) = await EnrolTotpWithEpochAsync(recovering);
        var tokens = await recovering.RedeemAsync(_clientId, await recovering.SubmitAndFollowAsync(RedirectUri), RedirectUri, verifier);
        Assert.Equal(["pwd", "otp", "mfa"], SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("amr").EnumerateArray().Select(e => e.GetString()));
        Assert.Single((await InternalFactorsAsync(userId)).EnumerateArray(), f => f.GetProperty("type").GetString() == "Totp");

        var next = await SignInWithPasswordAsync(username);
        var later = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 30;
        await ProblemAsync(await next.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = await OtplibCodeAsync(oldSecret, later) }),
            400, "session.mfa.invalid_totp_code");
        using (var ok = await next.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = await OtplibCodeAsync(newSecret, enrolledAt + 30) }))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await next.SubmitAndFollowAsync(RedirectUri);
    }

    // ---------- helpers ----------

    private string? _lastRegistered;

    /// <summary>A Register interaction identified with a new username and password, not yet submitted.</summary>
    private async Task<SigninClient> StartRegistrationAsync()
    {
        var browser = NewBrowser();
        _lastRegistered = SigninClient.NewUsername();
        await StartAsync(browser, "Register");
        var verification = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = _lastRegistered }, password = Password }));
        using (var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId = verification.GetProperty("verificationId").GetString() }))
            Assert.Equal(HttpStatusCode.Created, identified.StatusCode);
        return browser;
    }

    /// <summary>A user made through the Management API with a username, a password and an email or phone; returns its inbox.</summary>
    private async Task<(string Username, string Address, string Inbox)> CreateUserWithAddressAsync(string identifierType)
    {
        var username = SigninClient.NewUsername();
        // +33 6 12 …: an allocated French mobile range (libphonenumber refuses numbers in unallocated ones).
        var address = identifierType == "email" ? username + "@example.com" : "+33612" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var created = await NewBrowser().ManagementAsync(HttpMethod.Post, "/api/users", identifierType == "email"
            ? new { username, password = Password, primaryEmail = address }
            : (object)new { username, password = Password, primaryPhone = address });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        return (username, address, identifierType == "email" ? address : "sms" + address.TrimStart('+') + "@sms.localhost");
    }

    private async Task<(SigninClient Browser, string Verifier)> SignInWithPasswordKeepingVerifierAsync(string username)
    {
        var browser = NewBrowser();
        var (verifier, challenge) = SigninClient.NewPkce();
        using (await browser.GetAsync(SigninClient.AuthorizePath(_clientId, RedirectUri, challenge))) { }
        using (var put = await browser.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "SignIn" }))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var verification = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = Password }));
        using (var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId = verification.GetProperty("verificationId").GetString() }))
            Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
        return (browser, verifier);
    }


}
