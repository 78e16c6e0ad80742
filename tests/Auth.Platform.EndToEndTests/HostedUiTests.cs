using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// The hosted UI in real Chromium through the gateway: Logto's first screens, accessibility (axe-core), the terms
/// policy and the sign-in-only mode. These need only what signin already serves.
/// </summary>
[Collection(nameof(SignInExperienceChanges))]
public sealed class HostedUiTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private readonly HostedUi _ui = new(fixture.Stack);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _ui.PatchSettingsAsync(HostedUi.DefaultSettings);
        await _ui.DisposeAsync();
    }

    [Theory]
    [InlineData("sign_in", "/sign-in", "Sign in")]
    [InlineData("signIn", "/sign-in", "Sign in")]
    [InlineData("register", "/register", "Create your account")]
    [InlineData("reset_password", "/reset-password", "Reset your password")]
    [InlineData("identifier:sign_in", "/identifier-sign-in", "Sign in")]
    [InlineData("identifier:register", "/identifier-register", "Create your account")]
    [InlineData("single_sign_on", "/single-sign-on", "Single sign-on")]
    public async Task EveryFirstScreen_LandsOnItsScreen(string firstScreen, string path, string heading)
    {
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=" + Uri.EscapeDataString(firstScreen)));

        Assert.Equal(path, new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(heading);
        // Reset shows its form only where accounts can have an email or a phone (the server's forgotPassword flags).
        if (firstScreen == "reset_password" && await page.Locator("#identifier").CountAsync() == 0) return;
        await Assertions.Expect(page.Locator("#identifier")).ToBeFocusedAsync();
        // Identifier-first screens ask for the identifier alone; the username+password tenant's sign-in asks both at once.
        await Assertions.Expect(page.Locator("#password")).ToHaveCountAsync(firstScreen is "sign_in" or "signIn" or "register" or "identifier:register" ? 1 : 0);
    }

    [Fact]
    public async Task UiLocalesAndLoginHint_LocaliseTheScreenAndPrefillTheIdentifier()
    {
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&ui_locales=fr-CA%20en&login_hint=alice_w"));

        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Connexion");
        await Assertions.Expect(page.Locator("#identifier")).ToHaveValueAsync("alice_w");
        // Pre-filled, so focus goes to the next empty field.
        await Assertions.Expect(page.Locator("#password")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Axe_FindsNoSeriousOrCriticalViolation_OnTheFirstScreens()
    {
        var clientId = await _ui.CreateSpaAsync();
        foreach (var firstScreen in new[] { "sign_in", "register", "reset_password", "identifier:sign_in", "single_sign_on" })
        {
            var (page, _) = await _ui.NewPageAsync(bypassCsp: true);
            await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=" + firstScreen));
            await page.Locator("h1").WaitForAsync();
            await HostedUi.AssertAccessibleAsync(page, firstScreen);
            if (await page.Locator("#identifier").CountAsync() == 0) { await page.Context.CloseAsync(); continue; }
            // The error state too: live region filled, inputs marked invalid and described by it.
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("#error")).Not.ToBeEmptyAsync();
            await Assertions.Expect(page.Locator("#identifier")).ToHaveAttributeAsync("aria-invalid", "true");
            await Assertions.Expect(page.Locator("#identifier")).ToBeFocusedAsync();
            await HostedUi.AssertAccessibleAsync(page, firstScreen + " with an error");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Axe_FindsNoSeriousOrCriticalViolation_OnTheCodeScreen()
    {
        await _ui.PatchSettingsAsync(HostedUi.EmailTenant);
        var email = HostedUi.NewEmail();
        await _ui.CreateUserAsync(new { primaryEmail = email });
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);

        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await page.FillAsync("#identifier", email);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#code")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync(email);
        await Assertions.Expect(page.Locator("#resend")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#resend")).ToContainTextAsync(" s");
        await Assertions.Expect(page.Locator("#switch-method")).ToBeVisibleAsync();
        await HostedUi.AssertAccessibleAsync(page, "code");

        // The real code from maildev, and a wrong one made from it: six digits submit by themselves.
        var code = await _ui.MailedCodeAsync(email);
        await page.FillAsync("#code", ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("The code is incorrect. Check it and try again.");
        await Assertions.Expect(page.Locator("#code")).ToHaveAttributeAsync("aria-invalid", "true");
        await HostedUi.AssertAccessibleAsync(page, "code with an error");

        await page.FillAsync("#code", code);
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task Lockout_ShowsALocalisedMessageWithTheWait()
    {
        // A real lockout: the sentinel locks an identifier after sentinelPolicy.maxAttempts failures for lockoutDuration minutes.
        await _ui.PatchSettingsAsync(new { sentinelPolicy = new { maxAttempts = 2, lockoutDuration = 10 } });
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&ui_locales=fr"));
        await page.FillAsync("#identifier", HostedUi.NewUsername());

        // Each attempt waits for the server's own answer: two wrong passwords, then the lock.
        foreach (var expected in new[] { 422, 422, 429 })
        {
            await page.FillAsync("#password", "whatever it is");
            var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
                r => r.Url.EndsWith("/api/experience/verification/password", StringComparison.Ordinal));
            Assert.Equal(expected, answer.Status);
        }
        var error = page.Locator("#error");
        await Assertions.Expect(error).ToHaveTextAsync("Trop de tentatives échouées. Par sécurité, réessayez dans 10 minutes.");
    }

    [Fact]
    public async Task ManualTerms_RegistrationWaitsForTheCheckbox_ThenCompletes()
    {
        await _ui.PatchSettingsAsync(new { agreeToTermsPolicy = "Manual", termsOfUseUrl = "https://example.com/terms", privacyPolicyUrl = "https://example.com/privacy" });
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await Assertions.Expect(page.Locator("label[for=terms] a[href='https://example.com/terms']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("label[for=terms] a[href='https://example.com/privacy']")).ToBeVisibleAsync();
        await HostedUi.AssertAccessibleAsync(page, "register with the terms checkbox");

        const string password = "correct horse battery staple";
        await page.FillAsync("#identifier", HostedUi.NewUsername());
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirm-password", password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("Tick the box to agree to the terms of use and privacy policy.");
        await Assertions.Expect(page.Locator("#terms")).ToBeFocusedAsync();
        Assert.Equal("/register", new Uri(page.Url).AbsolutePath);

        await page.CheckAsync("#terms");
        await page.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task ManualTerms_SignInFormHasTheCheckboxToo()
    {
        await _ui.PatchSettingsAsync(new { agreeToTermsPolicy = "Manual", termsOfUseUrl = "https://example.com/terms" });
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await Assertions.Expect(page.Locator("#terms")).ToHaveCountAsync(1);
        await HostedUi.AssertAccessibleAsync(page, "sign-in with the terms checkbox");
    }

    [Fact]
    public async Task AutomaticTerms_ShowTheFooterSentenceWithoutACheckbox()
    {
        await _ui.PatchSettingsAsync(new { agreeToTermsPolicy = "Automatic", termsOfUseUrl = "https://example.com/terms" });
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await Assertions.Expect(page.Locator("#terms-text")).ToContainTextAsync("By continuing, you agree to the");
        await Assertions.Expect(page.Locator("#terms")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SignInOnlyMode_HidesCreateAccount_AndRegisterLandsOnSignIn()
    {
        await _ui.PatchSettingsAsync(new { signInMode = "SignIn" });
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        Assert.Equal("/sign-in", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("#password")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#register-link")).ToHaveCountAsync(0);

        // Typing /register by hand shows sign-in too.
        await page.GotoAsync(new Uri(_ui.Gateway, "/register").ToString());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        Assert.Equal("/sign-in", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("#register-link")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Branding_NameAndPrimaryColourComeFromTheSettings()
    {
        await _ui.PatchSettingsAsync(new { branding = new { displayName = "Acme Cloud", primaryColor = "#ffcc00" } });
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await Assertions.Expect(page.Locator("#app-name")).ToHaveTextAsync("Acme Cloud");
        // A light brand colour gets dark button text (contrast).
        await Assertions.Expect(page.Locator("button[type=submit]")).ToHaveCSSAsync("background-color", "rgb(255, 204, 0)");
        await Assertions.Expect(page.Locator("button[type=submit]")).ToHaveCSSAsync("color", "rgb(0, 0, 0)");
    }

    [Fact]
    public async Task SingleSignOn_ExplainsThatNoEnterpriseConnectorExists()
    {
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=single_sign_on&login_hint=jane%40corp.example"));
        await Assertions.Expect(page.Locator("#identifier")).ToHaveValueAsync("jane@corp.example");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync(
            "No enterprise single sign-on is set up for corp.example yet. Use another sign-in method or contact your administrator.");
    }
}
