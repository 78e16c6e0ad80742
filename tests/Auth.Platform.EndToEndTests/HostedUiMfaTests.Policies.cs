using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// The hosted UI's screens for email/SMS codes as a second factor, "try another method", skippable prompts, backup
/// codes asked by submit, and the recovery path for a lost authenticator app. Settings are restored by DisposeAsync.
/// </summary>
public sealed partial class HostedUiMfaTests
{
    [Fact]
    public async Task EmailCodeAsSecondFactor_InFrench_SaysWhereTheCodeGoes_RefusesAWrongCode_AndLandsOnTheCallback()
    {
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "EmailVerificationCode" }, policy = "PromptAtSignInAndSignUp" } });
        var clientId = await _ui.CreateSpaAsync();
        var username = HostedUi.NewUsername();
        var email = HostedUi.NewEmail();
        await _ui.CreateUserAsync(new { username, password = Password, primaryEmail = email });

        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&ui_locales=fr"));
        await SignInWithPasswordAsync(page, username);

        // The address is masked as the server gives it; no code is sent before the user asks.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Confirmez votre identité", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync($"Nous allons envoyer un code de vérification à {email[..2]}****@example.com.");
        await Assertions.Expect(page.Locator("#mfa-other-methods")).ToHaveCountAsync(0); // the only factor this user has
        await HostedUi.AssertAccessibleAsync(page, "email second factor (send)");
        await page.ClickAsync("button[type=submit]");

        // The code screen of the sign-in codes: focused six-digit input, resend after a countdown.
        await Assertions.Expect(page.Locator("#code")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync($"Nous avons envoyé un code à 6 chiffres à {email[..2]}****@example.com.");
        await Assertions.Expect(page.Locator("#resend")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#resend")).ToHaveTextAsync(new Regex(@"^Nouveau code possible dans \d+ s$"));
        var code = await _ui.MailedCodeAsync(email);
        // Delivery is asynchronous, so "nothing before the click" is checked once the click's mail has arrived.
        Assert.Equal(1, await _ui.MailCountAsync(email));

        await page.FillAsync("#code", code == "000000" ? "111111" : "000000");
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("Le code est incorrect. Vérifiez-le et réessayez.");
        await Assertions.Expect(page.Locator("#code")).ToHaveAttributeAsync("aria-invalid", "true");
        await HostedUi.AssertAccessibleAsync(page, "email second factor (code with an error)");
        await page.FillAsync("#code", code);
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task SmsCodeAsSecondFactor_ComesFirstForAUserWithPhoneAndEmail_TheEmailIsAnotherMethod()
    {
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "EmailVerificationCode", "PhoneVerificationCode" }, policy = "PromptAtSignInAndSignUp" } });
        var clientId = await _ui.CreateSpaAsync();
        var username = HostedUi.NewUsername();
        var digits = "33612" + Random.Shared.Next(100_000, 999_999); // a French mobile number in an allocated range, new for each run
        await _ui.CreateUserAsync(new { username, password = Password, primaryEmail = HostedUi.NewEmail(), primaryPhone = "+" + digits });

        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await SignInWithPasswordAsync(page, username);
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync($"We'll send a verification code by text message to ****{digits[^4..]}.", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#mfa-other-methods button")).ToHaveTextAsync(["Get a code by email"]);
        await page.ClickAsync("button[type=submit]");
        await page.Locator("#code").WaitForAsync(new() { Timeout = 60_000 });
        // In development each SMS is copied to the mail inbox as sms<number>@sms.localhost.
        await page.FillAsync("#code", await _ui.MailedCodeAsync($"sms{digits}@sms.localhost"));
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task PromptAtSignInAndSignUp_RegistrationOffersTheFactors_AndSkipForNowFinishes()
    {
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "Totp", "EmailVerificationCode", "BackupCode" }, policy = "PromptAtSignInAndSignUp" } });
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await page.FillAsync("#identifier", HostedUi.NewUsername());
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm-password", Password);
        await page.ClickAsync("button[type=submit]");

        // 422 user.missing_mfa {availableFactors: [Totp, EmailVerificationCode], skippable: true}: backup codes are never offered alone.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Add a second factor", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#mfa-factors button")).ToHaveTextAsync(["Authenticator app", "Code by email"]);
        await Assertions.Expect(page.Locator("#mfa-skip")).ToHaveTextAsync("Skip for now");
        await HostedUi.AssertAccessibleAsync(page, "skippable factor choice");
        // Skipping is offered on the chosen factor's screen too.
        await page.ClickAsync("#mfa-enrol-email");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Add an email address for codes");
        await Assertions.Expect(page.Locator("#mfa-skip")).ToBeVisibleAsync();
        await page.ClickAsync("#back");
        await page.ClickAsync("#mfa-skip");
        await HostedUi.CallbackAsync(callback);
        // "Not asked again at the next sign-in" needs the per-user MFA settings (mfa's /internal/mfa/users/{id}/settings,
        // another branch): the integration test PromptAtSignInAndSignUp_AsksAtRegistration_CanBeSkipped_AndAsksOnlyOnce covers it.
    }

    // The UI side works up to the second submit; signin's MFA gate then answers 422 user.missing_mfa again, because it
    // counts the account's email but not the one just added to the interaction's profile (MfaExperienceApi.Gate.cs,
    // `usable` and the missing_mfa branch). Unskip when the gate treats a profile address proven in this interaction as a factor.
    [Fact]
    public async Task MandatoryEmailFactor_ForAUserWithoutEmail_AddsTheAddressWithACode_ThenAsksForBackupCodes()
    {
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "EmailVerificationCode", "BackupCode" }, policy = "Mandatory" } });
        var clientId = await _ui.CreateSpaAsync();
        var username = HostedUi.NewUsername();
        await _ui.CreateUserAsync(new { username, password = Password });
        var email = HostedUi.NewEmail();

        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await SignInWithPasswordAsync(page, username);

        // The only bindable factor opens directly; Mandatory: no skip.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Add an email address for codes", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#mfa-skip")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#identifier")).ToHaveAttributeAsync("type", "email");
        await HostedUi.AssertAccessibleAsync(page, "email factor set-up");
        await page.FillAsync("#identifier", email);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#code")).ToBeFocusedAsync();
        await page.FillAsync("#code", await _ui.MailedCodeAsync(email));

        // Submit counts the new address as the factor just proven, then answers 422 session.mfa.backup_code_required.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Save your backup codes");
        Assert.Equal(10, await page.Locator("#backup-codes li").CountAsync());
        await page.CheckAsync("#backup-codes-saved");
        await page.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task LostAuthenticator_BackupCodeThenANewAuthenticatorApp_ReplacesTheOldOne_AndLandsOnTheCallback()
    {
        // 1. A user with an email address enrols TOTP and backup codes (Mandatory, email codes not yet a factor).
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "Totp", "BackupCode" }, policy = "Mandatory" } });
        var clientId = await _ui.CreateSpaAsync();
        var username = HostedUi.NewUsername();
        await _ui.CreateUserAsync(new { username, password = Password, primaryEmail = HostedUi.NewEmail() });
        var (enrolling, enrolled) = await _ui.NewPageAsync(bypassCsp: true);
        await enrolling.GotoAsync(_ui.AuthorizeUrl(clientId));
        await SignInWithPasswordAsync(enrolling, username);
        await Assertions.Expect(enrolling.Locator("h1")).ToHaveTextAsync("Set up your authenticator app", new() { Timeout = 30_000 });
        var oldSecret = Regex.Replace(await enrolling.Locator("#totp-secret").TextContentAsync() ?? "", @"\s", "");
        await enrolling.FillAsync("#code", await OtplibCodeAsync(oldSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await Assertions.Expect(enrolling.Locator("h1")).ToHaveTextAsync("Save your backup codes");
        var backupCodes = await enrolling.Locator("#backup-codes li").AllTextContentsAsync();
        await enrolling.CheckAsync("#backup-codes-saved");
        await enrolling.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(enrolled);

        // 2. Email codes become a factor too: "try another method" lists the others in the server's order, backup code last.
        await _ui.PatchSettingsAsync(new { mfa = new { factors = new[] { "Totp", "EmailVerificationCode", "BackupCode" }, policy = "Mandatory" } });
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await SignInWithPasswordAsync(page, username);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Verify it's you");
        await Assertions.Expect(page.Locator("#mfa-other-methods button")).ToHaveTextAsync(["Get a code by email", "Use a backup code"]);
        await page.ClickAsync("#mfa-use-email");
        await Assertions.Expect(page.Locator("#mfa-other-methods button")).ToHaveTextAsync(["Use a code from your authenticator app", "Use a backup code"]);

        // 3. The phone is lost: a backup code, then a new authenticator app instead of the old one.
        await page.ClickAsync("#mfa-use-backup-code");
        await page.FillAsync("#backup-code", backupCodes[0]);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("You're verified");
        await HostedUi.AssertAccessibleAsync(page, "recovery offer");
        await page.ClickAsync("#mfa-replace-totp");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Set up a new authenticator app");
        var newSecret = Regex.Replace(await page.Locator("#totp-secret").TextContentAsync() ?? "", @"\s", "");
        Assert.NotEqual(oldSecret, newSecret);
        var enrolledAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await page.FillAsync("#code", await OtplibCodeAsync(newSecret, enrolledAt));
        await HostedUi.CallbackAsync(callback);

        // 4. The next sign-in takes the new app's code; the old app's code is refused.
        var (next, nextCallback) = await _ui.NewPageAsync(bypassCsp: true);
        await next.GotoAsync(_ui.AuthorizeUrl(clientId));
        await SignInWithPasswordAsync(next, username);
        await Assertions.Expect(next.Locator("#code")).ToBeFocusedAsync();
        await next.FillAsync("#code", await OtplibCodeAsync(oldSecret, enrolledAt + 30));
        await Assertions.Expect(next.Locator("#error")).ToHaveTextAsync("The code is incorrect, or it was already used. Wait for the next code and try again.");
        await next.FillAsync("#code", await OtplibCodeAsync(newSecret, enrolledAt + 30));
        await HostedUi.CallbackAsync(nextCallback);
    }
}
