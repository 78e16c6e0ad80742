using Auth.Platform.Signin.Experience.Verifications;

namespace Auth.Platform.UnitTests.Signin;

/// <summary>The factor rules moved to mfa (<c>SignInGateTests</c>); what stays in signin is the passkey's default label.</summary>
public class MfaFactorRulesTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36", "Chrome on Linux")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 Edg/140.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0", "Firefox on Android")]
    [InlineData("", "Passkey (Browser)")]
    public void DeviceName_NamesAPasskeyAfterTheBrowserAndSystem(string userAgent, string name) =>
        Assert.Equal(name, WebAuthn.DeviceName(userAgent));
}
