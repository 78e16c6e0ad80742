using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// Email-code flows in the hosted UI with the codes read from the stack's maildev inbox: registration by code,
/// the sign-in → register cross-over, and password reset. They need the Experience API's verification-code,
/// interaction-event, profile and ForgotPassword endpoints and email identifiers in the sign-in experience.
/// </summary>
[Collection(nameof(SignInExperienceChanges))]
public sealed class HostedUiCodeFlowTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly HostedUi _ui = new(fixture.Stack);

    private static readonly object EmailTenant = HostedUi.EmailTenant;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _ui.PatchSettingsAsync(HostedUi.DefaultSettings);
        await _ui.DisposeAsync();
    }

    [Fact]
    public async Task RegisterWithEmailCode_FromMaildev_CompletesTheCodeFlow()
    {
        await _ui.PatchSettingsAsync(EmailTenant);
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        var email = HostedUi.NewEmail();

        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await page.FillAsync("#identifier", email);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#code")).ToBeFocusedAsync();
        await HostedUi.AssertAccessibleAsync(page, "code (register)");
        await page.FillAsync("#code", await _ui.MailedCodeAsync(email));
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task RegisterWithEmailCode_WhenAPasswordIsRequired_AsksForItOnTheProfileScreen()
    {
        await _ui.PatchSettingsAsync(EmailTenant);
        await _ui.PatchSettingsAsync(new { signUp = new { identifiers = new[] { "email" }, password = true, verify = true } });
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        var email = HostedUi.NewEmail();

        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await page.FillAsync("#identifier", email);
        await page.ClickAsync("button[type=submit]");
        await page.FillAsync("#code", await _ui.MailedCodeAsync(email));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Set a password");
        await HostedUi.AssertAccessibleAsync(page, "profile completion (password)");
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm-password", Password);
        await page.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task RegisterWithPhoneCode_TypedWithSpaces_CompletesWithTheSmsFromTheDevelopmentInbox()
    {
        await _ui.PatchSettingsAsync(new
        {
            signUp = new { identifiers = new[] { "phone" }, password = false, verify = true },
            signIn = new { methods = new[] { new { identifier = "phone", password = false, verificationCode = true, isPasswordPrimary = false } } },
        });
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync();
        var digits = "336" + Random.Shared.Next(10_000_000, 99_999_999); // a French mobile number, new for each run

        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await Assertions.Expect(page.Locator("#identifier")).ToHaveAttributeAsync("type", "tel");
        // Smart input: digits with spaces and a "+" are a phone number, sent without the spaces.
        await page.FillAsync("#identifier", $"+{digits[..2]} {digits[2]} {digits[3..5]} {digits[5..7]} {digits[7..9]} {digits[9..]}");
        await page.ClickAsync("button[type=submit]");
        await page.Locator("#code").WaitForAsync(new() { Timeout = 60_000 }); // the first code of a fresh stack took 6-9 s to go out here
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("+" + digits);
        // In development each SMS is copied to the mail inbox as sms<number>@sms.localhost.
        await page.FillAsync("#code", await _ui.MailedCodeAsync($"sms{digits}@sms.localhost"));
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task SignInCodeForUnknownEmail_OffersToCreateTheAccount()
    {
        await _ui.PatchSettingsAsync(EmailTenant);
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        var email = HostedUi.NewEmail();

        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await page.FillAsync("#identifier", email); // "@": the smart input takes it as an email, and the code is primary
        await page.ClickAsync("button[type=submit]");
        await page.FillAsync("#code", await _ui.MailedCodeAsync(email));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create an account?");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync(email);
        await HostedUi.AssertAccessibleAsync(page, "cross-over confirmation");
        await page.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task RegisterWithAnExistingEmail_OffersToSignInInstead()
    {
        await _ui.PatchSettingsAsync(EmailTenant);
        var email = HostedUi.NewEmail();
        await _ui.CreateUserAsync(new { primaryEmail = email, password = Password });
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync();

        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=register"));
        await page.FillAsync("#identifier", email);
        await page.ClickAsync("button[type=submit]");
        await page.FillAsync("#code", await _ui.MailedCodeAsync(email));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in instead?");
        await page.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task ResetPassword_WithCodeFromMaildev_ThenSignInWithTheNewPassword()
    {
        await _ui.PatchSettingsAsync(EmailTenant);
        await _ui.PatchSettingsAsync(new
        {
            signIn = new { methods = new[] { new { identifier = "email", password = true, verificationCode = true, isPasswordPrimary = true } } },
        });
        var email = HostedUi.NewEmail();
        await _ui.CreateUserAsync(new { primaryEmail = email, password = "an old password 123" });
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);

        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=reset_password&identifier=email&login_hint=" + Uri.EscapeDataString(email)));
        await Assertions.Expect(page.Locator("#identifier")).ToHaveValueAsync(email);
        await page.ClickAsync("button[type=submit]");
        await page.FillAsync("#code", await _ui.MailedCodeAsync(email));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Choose a new password");
        await HostedUi.AssertAccessibleAsync(page, "reset: new password");
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm-password", Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Password changed");
        await HostedUi.AssertAccessibleAsync(page, "reset: done");

        // Back to sign-in in the same interaction: the email first, then its password (primary here), with the code as the switch.
        await page.ClickAsync("#sign-in-link a");
        await page.FillAsync("#identifier", email);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Enter your password");
        await Assertions.Expect(page.Locator("#switch-method")).ToHaveTextAsync("Sign in with a verification code instead");
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(callback);
    }
}
