using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Mfa;
using Auth.Platform.Signin.SignInExperience;

namespace Auth.Platform.UnitTests.Signin;

public class MfaFactorRulesTests
{
    private static MfaSettings Settings(params string[] factors) => new() { Factors = [.. factors] };
    private static MfaFactor Factor(string type, long? lastUsedAt = null, int? remainCodes = null) => new("f-" + type, type, null, 0, lastUsedAt, remainCodes);

    [Fact]
    public void EnabledFactors_PutsPasskeysFirst_ThenTheMostRecentlyUsed_ImplicitCodes_AndBackupCodesLast()
    {
        var bound = new[] { Factor("BackupCode", remainCodes: 3), Factor("Totp", lastUsedAt: 5), Factor("WebAuthn", lastUsedAt: 1) };
        var enabled = MfaExperienceApi.EnabledFactors(Settings("Totp", "WebAuthn", "BackupCode", "EmailVerificationCode", "PhoneVerificationCode"),
            bound, "a@example.com", "+33612345678");
        Assert.Equal(["WebAuthn", "Totp", "PhoneVerificationCode", "EmailVerificationCode", "BackupCode"], enabled);
    }

    [Fact]
    public void EnabledFactors_LeavesOutFactorsTheTenantDisabled_UsedUpBackupCodes_AndAddressesTheUserLacks()
    {
        var bound = new[] { Factor("BackupCode", remainCodes: 0), Factor("WebAuthn") , Factor("Totp") };
        var enabled = MfaExperienceApi.EnabledFactors(Settings("Totp", "BackupCode", "PhoneVerificationCode", "EmailVerificationCode"), bound, "a@example.com", null);
        Assert.Equal(["Totp", "EmailVerificationCode"], enabled);
    }

    [Fact]
    public void EnabledFactors_WithAnAddressButTheFactorOff_IsEmpty() =>
        Assert.Empty(MfaExperienceApi.EnabledFactors(Settings("Totp"), [], "a@example.com", "+33612345678"));

    [Theory]
    [InlineData("jane.doe@example.com", "ja****@example.com")]
    [InlineData("j@example.com", "j****@example.com")]
    [InlineData("not-an-email", "****")]
    public void MaskEmail_KeepsTwoCharactersAndTheDomain(string email, string masked) =>
        Assert.Equal(masked, MfaExperienceApi.MaskEmail(email));

    [Fact]
    public void MaskPhone_KeepsTheLastFourDigits() => Assert.Equal("****5678", MfaExperienceApi.MaskPhone("+33612345678"));

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36", "Chrome on Linux")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 Edg/140.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0", "Firefox on Android")]
    [InlineData("", "Passkey (Browser)")]
    public void DeviceName_NamesAPasskeyAfterTheBrowserAndSystem(string userAgent, string name) =>
        Assert.Equal(name, MfaExperienceApi.DeviceName(userAgent));
}
