using System.Text.Json;
using Auth.Platform.Signin.SignInExperience;
using Auth.Platform.SsoConnector.SsoConnectors;

namespace Auth.Platform.UnitTests.Sso;

/// <summary><c>PATCH /api/sign-in-exp</c>'s social and SSO switches (issue 12 pt 1), Logto's names.</summary>
public sealed class SsoSignInExperienceTests
{
    private static (SignInExperienceSettings? Settings, string? Error) Apply(string patch) =>
        SignInExperienceRules.Apply(new SignInExperienceSettings(), JsonDocument.Parse(patch).RootElement);

    [Fact]
    public void Defaults_HaveSsoOffAndNoSocialButtons()
    {
        var settings = new SignInExperienceSettings();
        Assert.False(settings.SingleSignOnEnabled);
        Assert.Empty(settings.SocialSignInConnectorTargets);
        Assert.False(settings.SocialSignIn.AutomaticAccountLinking);
    }

    [Fact]
    public void Apply_SsoAndSocialSwitches_AreStored()
    {
        var (settings, error) = Apply("""{"singleSignOnEnabled":true,"socialSignInConnectorTargets":["google","github"],"socialSignIn":{"automaticAccountLinking":true}}""");
        Assert.Null(error);
        Assert.True(settings!.SingleSignOnEnabled);
        Assert.Equal(["google", "github"], settings.SocialSignInConnectorTargets);
        Assert.True(settings.SocialSignIn.AutomaticAccountLinking);
        Assert.False(settings.SocialSignIn.SkipRequiredIdentifiers);
    }

    [Theory]
    [InlineData("""{"socialSignInConnectorTargets":["google","google"]}""")]
    [InlineData("""{"socialSignInConnectorTargets":["no spaces"]}""")]
    [InlineData("""{"socialSignInConnectorTargets":[""]}""")]
    [InlineData("""{"socialSignInConnectorTargets":null}""")]
    [InlineData("""{"socialSignIn":null}""")]
    [InlineData("""{"singleSignOnEnabled":"yes"}""")]
    public void Apply_BadSocialOrSsoSettings_IsRefused(string patch) => Assert.NotNull(Apply(patch).Error);
}

/// <summary>SSO email domains: normalised, and public mailbox providers recognised in any case.</summary>
public sealed class EmailDomainsTests
{
    [Theory]
    [InlineData("Corp.Example", "corp.example")]
    [InlineData("corp.example.", "corp.example")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    public void Normalize_LowerCasesAndPunycodes(string input, string expected) => Assert.Equal(expected, EmailDomains.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("a@b.example")]
    [InlineData("-bad.example")]
    [InlineData("spa ce.example")]
    public void Normalize_RefusesWhatIsNotADomain(string input) => Assert.Null(EmailDomains.Normalize(input));

    [Theory]
    [InlineData("alice@GMAIL.com", true)]
    [InlineData("alice@corp.example", false)]
    public void OfEmail_ThenPublic_RecognisesMailboxProviders(string email, bool isPublic) =>
        Assert.Equal(isPublic, EmailDomains.Public.Contains(EmailDomains.OfEmail(email)!));
}
