using System.Globalization;
using System.Text.RegularExpressions;
using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// The hosted UI's second-factor screens (mfa.js) in real Chromium, over the real MFA Experience API: TOTP enrolment
/// under the Mandatory policy with codes from otplib, backup codes, TOTP and backup-code verification at sign-in, and
/// passkeys in Chromium's virtual authenticator (enrolment, second factor, passkey sign-in).
/// </summary>
[Collection(nameof(SignInExperienceChanges))]
public sealed partial class HostedUiMfaTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly HostedUi _ui = new(fixture.Stack);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _ui.PatchSettingsAsync(HostedUi.DefaultSettings);
        await _ui.DisposeAsync();
    }

    [Fact]
    public async Task MandatoryTotp_RegistrationEnrolsInTheBrowser_ThenSignInAsksForTheCode_OrABackupCode()
    {
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "Totp", "BackupCode" }, policy = "Mandatory" } });
        var clientId = await _ui.CreateSpaAsync();
        var username = HostedUi.NewUsername();

        // 1. Registration: submit answers 422 user.missing_mfa with only Totp, so its set-up opens directly.
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await page.FillAsync("#identifier", username);
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm-password", Password);
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Set up your authenticator app", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#code")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#code")).ToHaveAttributeAsync("autocomplete", "one-time-code");
        await Assertions.Expect(page.Locator("#code")).ToHaveAttributeAsync("inputmode", "numeric");
        await Assertions.Expect(page.Locator("#totp-qr")).ToHaveAttributeAsync("src", new Regex("^data:image/png;base64,"));
        Assert.True(await page.EvalOnSelectorAsync<int>("#totp-qr", "img => img.naturalWidth") > 0, "the QR code image did not decode");
        await HostedUi.AssertAccessibleAsync(page, "TOTP enrolment");

        var secret = Regex.Replace(await page.Locator("#totp-secret").TextContentAsync() ?? "", @"\s", "");
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var code = await OtplibCodeAsync(secret, now);

        // A wrong code: localised by its error code, the field marked invalid.
        await page.FillAsync("#code", code == "000000" ? "111111" : "000000");
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("The code is incorrect, or it was already used. Wait for the next code and try again.");
        await Assertions.Expect(page.Locator("#code")).ToHaveAttributeAsync("aria-invalid", "true");
        await HostedUi.AssertAccessibleAsync(page, "TOTP enrolment with an error");

        // The right one (six digits submit by themselves) binds TOTP; BackupCode is enabled, so the codes come next.
        await page.FillAsync("#code", code);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Save your backup codes");
        var backupCodes = await page.Locator("#backup-codes li").AllTextContentsAsync();
        Assert.Equal(10, backupCodes.Count);
        Assert.All(backupCodes, c => Assert.Matches("^[0-9A-Fa-f]{16}$", c));
        await Assertions.Expect(page.Locator("#download-backup-codes")).ToHaveAttributeAsync("download", "backup-codes.txt");
        await HostedUi.AssertAccessibleAsync(page, "backup codes");

        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("Confirm that you have saved your backup codes.");
        await Assertions.Expect(page.Locator("#backup-codes-saved")).ToBeFocusedAsync();
        await page.CheckAsync("#backup-codes-saved");
        await page.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(callback);

        // 2. Sign-in (in French): the password is not enough; the TOTP code is asked. The enrolment code's time step is
        // used up, so the next step's code (inside the ±1 window) is typed.
        var (second, secondCallback) = await _ui.NewPageAsync(bypassCsp: true);
        await second.GotoAsync(_ui.AuthorizeUrl(clientId, "&ui_locales=fr"));
        await Assertions.Expect(second.Locator("#passkey-sign-in")).ToHaveCountAsync(0); // WebAuthn is not enabled
        await SignInWithPasswordAsync(second, username);
        await Assertions.Expect(second.Locator("h1")).ToHaveTextAsync("Confirmez votre identité");
        await Assertions.Expect(second.Locator("#code")).ToBeFocusedAsync();
        await Assertions.Expect(second.Locator("#mfa-use-backup-code")).ToBeVisibleAsync();
        await HostedUi.AssertAccessibleAsync(second, "TOTP verification");
        await second.FillAsync("#code", await OtplibCodeAsync(secret, now + 30));
        await HostedUi.CallbackAsync(secondCallback);

        // 3. "Try another method": a backup code; a wrong one is refused with its localised message first.
        var (third, thirdCallback) = await _ui.NewPageAsync(bypassCsp: true);
        await third.GotoAsync(_ui.AuthorizeUrl(clientId));
        await SignInWithPasswordAsync(third, username);
        await Assertions.Expect(third.Locator("#code")).ToBeFocusedAsync();
        await third.ClickAsync("#mfa-use-backup-code");
        await Assertions.Expect(third.Locator("#backup-code")).ToBeFocusedAsync();
        await Assertions.Expect(third.Locator("#mfa-use-totp")).ToBeVisibleAsync();
        await third.FillAsync("#backup-code", "0000000000000000");
        await third.ClickAsync("button[type=submit]");
        await Assertions.Expect(third.Locator("#error")).ToHaveTextAsync("This backup code is incorrect or was already used.");
        await Assertions.Expect(third.Locator("#backup-code")).ToHaveAttributeAsync("aria-invalid", "true");
        await HostedUi.AssertAccessibleAsync(third, "backup code verification with an error");
        await third.FillAsync("#backup-code", backupCodes[0]);
        await third.ClickAsync("button[type=submit]");
        // The user has an authenticator app: a new one is offered (the lost-phone path); continuing keeps the old one.
        await Assertions.Expect(third.Locator("h1")).ToHaveTextAsync("You're verified");
        await Assertions.Expect(third.Locator("#mfa-replace-totp")).ToBeVisibleAsync();
        await third.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(thirdCallback);
    }

    [Fact]
    public async Task MandatoryWithTwoFactors_RegistrationOffersTheChoice_AndCanComeBackToIt()
    {
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "Totp", "WebAuthn" }, policy = "Mandatory" } });
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register&ui_locales=fr"));
        await page.FillAsync("#identifier", HostedUi.NewUsername());
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm-password", Password);
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Ajouter un second facteur", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#mfa-enrol-webauthn")).ToHaveTextAsync("Clé d'accès ou clé de sécurité");
        await Assertions.Expect(page.Locator("#mfa-enrol-totp")).ToHaveTextAsync("Application d'authentification");
        await HostedUi.AssertAccessibleAsync(page, "factor choice");

        await page.ClickAsync("#mfa-enrol-webauthn");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Créer une clé d'accès");
        await page.ClickAsync("#back");
        await page.ClickAsync("#mfa-enrol-totp");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Configurer votre application d'authentification");
        var secret = Regex.Replace(await page.Locator("#totp-secret").TextContentAsync() ?? "", @"\s", "");
        // No BackupCode factor: binding TOTP is the last step before the client.
        await page.FillAsync("#code", await OtplibCodeAsync(secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task Passkey_EnrolledInChromiumsVirtualAuthenticator_IsTheSecondFactor_AndSignsInAlone()
    {
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "WebAuthn" }, policy = "Mandatory" } });
        var clientId = await _ui.CreateSpaAsync();
        var username = HostedUi.NewUsername();
        // One page for the three sign-ins: the virtual authenticator (and its credential) belongs to the page's target.
        var (page, _) = await _ui.NewPageAsync(bypassCsp: true);
        // A browser without passkey autofill: Chromium's virtual authenticator would otherwise answer the sign-in screen's
        // autofill offer by itself, and this test is about the password + passkey and the button paths.
        await page.Context.AddInitScriptAsync(WithoutConditionalMediation);
        await AddVirtualAuthenticatorAsync(page);

        // 1. Registration → 422 user.missing_mfa [WebAuthn] → create a passkey → submit → the client. Steps 1 and 2 run
        // without the browser's JSON helpers, so mfa.js's own base64url conversions are what the server verifies.
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await page.EvaluateAsync(WithoutJsonHelpers);
        await page.FillAsync("#identifier", username);
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm-password", Password);
        await page.ClickAsync("button[type=submit]");
        // The stack's first registration can be slow (cold services, password hashing).
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create a passkey", new() { Timeout = 30_000 });
        await HostedUi.AssertAccessibleAsync(page, "passkey enrolment");
        await ExpectCallbackAsync(page, () => page.ClickAsync("button[type=submit]"));

        // 2. Password sign-in → 403 session.mfa.require_mfa_verification [WebAuthn] → the passkey → the client.
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await page.EvaluateAsync(WithoutJsonHelpers);
        await SignInWithPasswordAsync(page, username);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Verify it's you");
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Use your passkey or security key to continue.");
        await HostedUi.AssertAccessibleAsync(page, "passkey verification");
        await ExpectCallbackAsync(page, () => page.ClickAsync("button[type=submit]"));

        // 3. "Sign in with a passkey": no username, no password, no second factor asked.
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await Assertions.Expect(page.Locator("#passkey-sign-in")).ToHaveTextAsync("Sign in with a passkey");
        await HostedUi.AssertAccessibleAsync(page, "sign-in with the passkey button");
        await ExpectCallbackAsync(page, () => page.ClickAsync("#passkey-sign-in"));
    }

    [Fact]
    public async Task Passkey_OfferedInTheIdentifierAutofill_SignsInWithoutAClick()
    {
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "WebAuthn" }, policy = "Mandatory" } });
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync(bypassCsp: true);
        // Records how the page asks for credentials, to tell the autofill offer from the button (a binding outlives the page).
        var mediations = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await page.ExposeFunctionAsync("recordMediation", (string mediation) => mediations.Enqueue(mediation));
        await page.Context.AddInitScriptAsync("""
            (() => {
              const get = navigator.credentials.get.bind(navigator.credentials);
              navigator.credentials.get = (options) => { window.recordMediation(options?.mediation ?? 'optional'); return get(options); };
            })()
            """);
        await AddVirtualAuthenticatorAsync(page);

        // The sign-in screen's identifier field asks the browser for passkeys (none yet: the offer waits).
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await Assertions.Expect(page.Locator("#identifier")).ToHaveAttributeAsync("autocomplete", new System.Text.RegularExpressions.Regex(@"\bwebauthn$"));
        await HostedUi.AssertAccessibleAsync(page, "sign-in with passkey autofill");

        // Registration enrols a passkey (Mandatory, WebAuthn only).
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await page.FillAsync("#identifier", HostedUi.NewUsername());
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm-password", Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create a passkey", new() { Timeout = 30_000 });
        await ExpectCallbackAsync(page, () => page.ClickAsync("button[type=submit]"));

        // Next visit: the identifier field offers the passkey; with no browser UI, Chromium picks it, and the user is in.
        await page.Context.ClearCookiesAsync();
        await ExpectCallbackAsync(page, () => page.GotoAsync(_ui.AuthorizeUrl(clientId)));
        // Only autofill requests were made (the binding's messages may trail the navigation, so no exact count).
        Assert.Contains("conditional", mediations);
        Assert.All(mediations, m => Assert.Equal("conditional", m));
    }

    /// <summary>Chromium's virtual authenticator on the page: CTAP2, platform, resident keys, user verified, no prompts.</summary>
    private static async Task AddVirtualAuthenticatorAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true,
                ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });
    }

    /// <summary>A browser without conditional mediation (passkey autofill).</summary>
    private const string WithoutConditionalMediation = "PublicKeyCredential.isConditionalMediationAvailable = async () => false;";

    /// <summary>Browsers older than the WebAuthn Level 3 JSON helpers: the page must convert options and credentials itself.</summary>
    private const string WithoutJsonHelpers = """
        () => {
          delete PublicKeyCredential.parseCreationOptionsFromJSON;
          delete PublicKeyCredential.parseRequestOptionsFromJSON;
          delete PublicKeyCredential.prototype.toJSON;
          if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function' || typeof PublicKeyCredential.prototype.toJSON === 'function')
            throw new Error('the JSON helpers could not be removed');
        }
        """;

    private static async Task SignInWithPasswordAsync(IPage page, string username)
    {
        await page.FillAsync("#identifier", username);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
    }

    /// <summary>
    /// After <paramref name="action"/>, the browser requests the client's redirect URI with an authorization code. Watched
    /// per step (HostedUi's callback task keeps the first one only); HostedUi's route answers it.
    /// </summary>
    private static async Task ExpectCallbackAsync(IPage page, Func<Task> action)
    {
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRequest(object? sender, IRequest request)
        {
            if (request.Url.StartsWith(HostedUi.RedirectUri, StringComparison.Ordinal)) callback.TrySetResult(request.Url);
        }
        page.Request += OnRequest;
        try
        {
            await action();
            await HostedUi.CallbackAsync(callback.Task);
            // Chromium then ends that navigation (port 7 is on its unsafe list): let it settle, or it would interrupt
            // the next step's page.GotoAsync.
            var settled = DateTime.UtcNow.AddSeconds(10);
            while (!page.Url.StartsWith(HostedUi.RedirectUri, StringComparison.Ordinal) && !page.Url.StartsWith("chrome-error:", StringComparison.Ordinal)
                   && DateTime.UtcNow < settled)
                await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        finally
        {
            page.Request -= OnRequest;
        }
    }

    /// <summary>A TOTP code computed by otplib (npm), an implementation independent of ours.</summary>
    private static async Task<string> OtplibCodeAsync(string secret, long epochSeconds) =>
        (await NodePeers.RunAsync("totp.mjs", secret, epochSeconds.ToString(CultureInfo.InvariantCulture)))["code"]!.GetValue<string>();
}
