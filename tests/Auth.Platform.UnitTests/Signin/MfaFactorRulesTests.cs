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
}
