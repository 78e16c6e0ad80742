using Auth.Platform.Mfa.Factors;
using static Auth.Platform.Mfa.Factors.SignInGate;

namespace Auth.Platform.UnitTests.Mfa;

/// <summary>mfa's sign-in gate as a pure rule: each outcome (verify, bind, backup codes, none) and the factor order.</summary>
public class SignInGateTests
{
    private static BoundFactor Factor(string type, long? lastUsedAt = null, int? remainCodes = null) =>
        new(type, lastUsedAt is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(lastUsedAt.Value), remainCodes);

    private static SignInGateRequest Request(string[] factors, string policy = "UserControlled", string interactionEvent = "SignIn",
        string? firstFactor = "Password", bool organization = false, string? email = null, string? phone = null, bool verified = false,
        string[]? proven = null, bool skipped = false, bool boundFactor = false) =>
        new(interactionEvent, firstFactor, factors, policy, organization, email, phone, verified, proven ?? [], skipped, boundFactor);

    [Fact]
    public void EnabledFactors_PutsPasskeysFirst_ThenTheMostRecentlyUsed_ImplicitCodes_AndBackupCodesLast()
    {
        var bound = new[] { Factor("BackupCode", remainCodes: 3), Factor("Totp", lastUsedAt: 5), Factor("WebAuthn", lastUsedAt: 1) };
        var enabled = EnabledFactors(["Totp", "WebAuthn", "BackupCode", "EmailVerificationCode", "PhoneVerificationCode"], bound, "a@example.com", "+33612345678");
        Assert.Equal(["WebAuthn", "Totp", "PhoneVerificationCode", "EmailVerificationCode", "BackupCode"], enabled);
    }

    [Fact]
    public void EnabledFactors_LeavesOutFactorsTheTenantDisabled_UsedUpBackupCodes_AndAddressesTheUserLacks()
    {
        var bound = new[] { Factor("BackupCode", remainCodes: 0), Factor("WebAuthn"), Factor("Totp") };
        Assert.Equal(["Totp", "EmailVerificationCode"], EnabledFactors(["Totp", "BackupCode", "PhoneVerificationCode", "EmailVerificationCode"], bound, "a@example.com", null));
    }

    [Fact]
    public void EnabledFactors_WithAnAddressButTheFactorOff_IsEmpty() =>
        Assert.Empty(EnabledFactors(["Totp"], [], "a@example.com", "+33612345678"));

    [Theory]
    [InlineData("jane.doe@example.com", "ja****@example.com")]
    [InlineData("j@example.com", "j****@example.com")]
    [InlineData("not-an-email", "****")]
    public void MaskEmail_KeepsTwoCharactersAndTheDomain(string email, string masked) => Assert.Equal(masked, MaskEmail(email));

    [Fact]
    public void MaskPhone_KeepsTheLastFourDigits() => Assert.Equal("****5678", MaskPhone("+33612345678"));

    [Fact]
    public void Evaluate_UserWithATotp_NotVerified_MustVerify()
    {
        var answer = Evaluate(Request(["Totp", "EmailVerificationCode"], email: "jane.doe@example.com"), [Factor("Totp")], false, false);
        Assert.Equal(Verify, answer.Requirement);
        Assert.Equal(["Totp", "EmailVerificationCode"], answer.AvailableFactors);
        Assert.Equal("ja****@example.com", answer.MaskedIdentifiers["EmailVerificationCode"]);
    }

    [Fact]
    public void Evaluate_SkipMfaOnSignIn_LetsAUserWithAFactorThrough_UnlessMandatory()
    {
        Assert.Equal(None, Evaluate(Request(["Totp"]), [Factor("Totp")], false, skipMfaOnSignIn: true).Requirement);
        Assert.Equal(Verify, Evaluate(Request(["Totp"], policy: "Mandatory"), [Factor("Totp")], false, skipMfaOnSignIn: true).Requirement);
        Assert.Equal(Verify, Evaluate(Request(["Totp"], organization: true), [Factor("Totp")], false, skipMfaOnSignIn: true).Requirement);
    }

    [Fact]
    public void Evaluate_TheEmailCodeThatIdentifiedTheUser_IsNotASecondFactor()
    {
        var answer = Evaluate(Request(["EmailVerificationCode", "Totp"], firstFactor: "EmailVerificationCode", email: "a@example.com"), [], false, false);
        Assert.Equal(Bind, answer.Requirement);
        Assert.Equal(["Totp"], answer.AvailableFactors);
    }

    [Theory]
    [InlineData("UserControlled", "SignIn", true)]
    [InlineData("PromptAtSignInAndSignUp", "Register", true)]
    [InlineData("PromptOnlyAtSignIn", "SignIn", true)]
    [InlineData("PromptOnlyAtSignIn", "Register", false)]
    [InlineData("NoPrompt", "SignIn", false)]
    public void Evaluate_UserWithoutAFactor_IsAskedToBindWhenThePolicyPrompts(string policy, string interactionEvent, bool asked)
    {
        var answer = Evaluate(Request(["WebAuthn", "Totp", "BackupCode"], policy, interactionEvent), [], false, false);
        Assert.Equal(asked ? Bind : None, answer.Requirement);
        if (asked)
        {
            Assert.Equal(["WebAuthn", "Totp"], answer.AvailableFactors);
            Assert.True(answer.Skippable);
        }
    }

    [Fact]
    public void Evaluate_MandatoryOrRequiredByAnOrganization_BindIsNotSkippable_EvenAfterASkip()
    {
        Assert.False(Evaluate(Request(["Totp"], "Mandatory", skipped: true), [], true, false) is { Requirement: Bind, Skippable: true });
        Assert.Equal(Bind, Evaluate(Request(["Totp"], "Mandatory", skipped: true), [], true, false).Requirement);
        var organization = Evaluate(Request(["Totp"], "NoPrompt", organization: true), [], false, false);
        Assert.Equal(Bind, organization.Requirement);
        Assert.False(organization.Skippable);
    }

    [Fact]
    public void Evaluate_ASkip_InThisInteractionOrRemembered_AsksNothing()
    {
        Assert.Equal(None, Evaluate(Request(["Totp"], skipped: true), [], false, false).Requirement);
        Assert.Equal(None, Evaluate(Request(["Totp"]), [], userSkipped: true, false).Requirement);
    }

    [Fact]
    public void Evaluate_AfterBindingAFactor_AsksForBackupCodesWhenEnabledAndMissing()
    {
        var request = Request(["Totp", "BackupCode"], verified: true, boundFactor: true);
        Assert.Equal(BackupCodes, Evaluate(request, [Factor("Totp")], false, false).Requirement);
        Assert.Equal(None, Evaluate(request, [Factor("Totp"), Factor("BackupCode", remainCodes: 10)], false, false).Requirement);
        Assert.Equal(None, Evaluate(request with { Factors = ["Totp"] }, [Factor("Totp")], false, false).Requirement);
    }

    [Fact]
    public void Evaluate_AnAddressProvenInThisInteraction_IsTheSecondFactorOnlyOfAUserWithoutOne()
    {
        var withNone = Evaluate(Request(["PhoneVerificationCode", "EmailVerificationCode"], proven: ["EmailVerificationCode", "PhoneVerificationCode"]), [], false, false);
        Assert.Equal((None, "EmailVerificationCode"), (withNone.Requirement, withNone.VerifiedBy));
        // The first proven address whose factor is on.
        Assert.Equal("PhoneVerificationCode", Evaluate(Request(["PhoneVerificationCode"], proven: ["EmailVerificationCode", "PhoneVerificationCode"]), [], false, false).VerifiedBy);
        var withTotp = Evaluate(Request(["Totp", "EmailVerificationCode"], proven: ["EmailVerificationCode"]), [Factor("Totp")], false, false);
        Assert.Equal((Verify, (string?)null), (withTotp.Requirement, withTotp.VerifiedBy));
    }

    [Fact]
    public void Evaluate_VerifiedUser_PassesAndListsTheUsableFactors()
    {
        var answer = Evaluate(Request(["Totp"], verified: true), [Factor("Totp")], false, false);
        Assert.Equal(None, answer.Requirement);
        Assert.Equal(["Totp"], answer.UsableFactors);
    }
}
