using System.Text.Json;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Experience.Steps;
using Auth.Platform.Signin.Experience.Verifications;
using Auth.Platform.Signin.SignInExperience;

namespace Auth.Platform.UnitTests.Signin;

public sealed class PasswordPolicyTests
{
    private static PasswordPolicySettings Policy(int min = 8, int max = 256, int types = 1, bool pwned = true, bool repetition = true,
        bool userInfo = true, params string[] words) => new()
    {
        Length = new() { Min = min, Max = max },
        CharacterTypes = new() { Min = types },
        Rejects = new() { Pwned = pwned, RepetitionAndSequence = repetition, UserInfo = userInfo, Words = [.. words] },
    };

    private static string[] Codes(string password, PasswordPolicySettings? policy = null, PasswordUserInfo? user = null) =>
        [.. PasswordPolicyChecker.Check(password, policy ?? Policy(), user).Select(i => i.Code)];

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("correct horse battery")]
    [InlineData("another long password")]
    [InlineData("Tr0ub4dor&3x")]
    public void Check_WithGoodPassword_HasNoIssues(string password) => Assert.Empty(Codes(password));

    [Theory]
    [InlineData("Xy7!kq2", "password_rejected.too_short")]
    public void Check_ShorterThanMin_IsTooShort(string password, string code) => Assert.Equal([code], Codes(password));

    [Fact]
    public void Check_TooShort_CarriesTheMinimum()
    {
        var issue = Assert.Single(PasswordPolicyChecker.Check("Xy7!kq2", Policy(min: 8)));
        Assert.Equal(8, issue.Interpolation!["min"]);
    }

    [Theory]
    [InlineData(12, "Xy7!kq2zWm9#p", "password_rejected.too_long")]
    [InlineData(12, "Xy7!kq2zWm9#", null)]
    public void Check_AgainstMax_IsTooLongOnlyAboveIt(int max, string password, string? code) =>
        Assert.Equal(code is null ? [] : [code], Codes(password, Policy(max: max)));

    [Theory]
    [InlineData("gkvmtzqplx", 2, false)]
    [InlineData("gkvmtzqplX", 2, true)]
    [InlineData("gkvmtzqpl7", 2, true)]
    [InlineData("gkvmtzqpl!", 2, true)]
    [InlineData("gkvmtzqpL7", 3, true)]
    [InlineData("gkvmtzqpL7", 4, false)]
    [InlineData("gkvmtzqL7%", 4, true)]
    [InlineData("gkvmt zqL7", 4, true)]
    public void Check_CharacterTypes_CountsLowerUpperDigitsSymbols(string password, int min, bool accepted) =>
        Assert.Equal(accepted ? [] : ["password_rejected.character_types"], Codes(password, Policy(types: min)));

    [Theory]
    [InlineData("zkaaaa9qmw")]
    [InlineData("zk1111qmwx")]
    [InlineData("zkAaAa9qmw")]
    public void Check_FourSameCharactersInARow_IsRepetition(string password) =>
        Assert.Equal(["password_rejected.restricted.repetition"], Codes(password));

    [Theory]
    [InlineData("zk1234qmwx")]
    [InlineData("zk9876qmwx")]
    [InlineData("zkabcdqmwx")]
    [InlineData("zkDCBAqmwx")]
    [InlineData("zkQWERqmxx")]
    [InlineData("zklkjhxmvn")]
    [InlineData("zk7890qmwx")]
    public void Check_FourNeighboursInARow_IsSequence(string password) =>
        Assert.Equal(["password_rejected.restricted.sequence"], Codes(password));

    [Theory]
    [InlineData("zkaaa9qmwx")]
    [InlineData("zk123xqmwx")]
    public void Check_ThreeInARow_IsAllowed(string password) => Assert.Empty(Codes(password));

    [Fact]
    public void Check_RepetitionAndSequenceOff_AcceptsThem() => Assert.Empty(Codes("zkaaaa1234", Policy(repetition: false)));

    [Theory]
    [InlineData("password")]
    [InlineData("PASSWORD")]
    [InlineData("iloveyou")]
    [InlineData("sunshine")]
    [InlineData("football")]
    public void Check_CommonPassword_IsPwned(string password) => Assert.Contains("password_rejected.pwned", Codes(password));

    [Fact]
    public void Check_CommonPasswordWithPwnedOff_IsAccepted() => Assert.Empty(Codes("sunshine", Policy(pwned: false)));

    [Fact]
    public void CommonPasswords_BundledList_HasThousands() => Assert.True(PasswordPolicyChecker.CommonPasswords.Count >= 4900);

    [Theory]
    [InlineData("xx-Alice_W-zz", "alice_w", null, null, null)]
    [InlineData("my-jdoe77-pass", null, "JDoe77@example.com", null, null)]
    [InlineData("call 15551239 now", null, null, "+1 (555) 1239", null)]
    [InlineData("i am marguerite!", null, null, null, "Marguerite Yourcenar")]
    public void Check_ContainingUserInfo_IsRejected(string password, string? username, string? email, string? phone, string? name) =>
        Assert.Equal(["password_rejected.restricted.user_info"], Codes(password, user: new PasswordUserInfo(username, email, phone, name)));

    [Fact]
    public void Check_UserInfoOff_AcceptsIt() => Assert.Empty(Codes("xx-alice_w-zz", Policy(userInfo: false), new PasswordUserInfo("alice_w")));

    [Fact]
    public void Check_ShortNameFragments_AreIgnored() => Assert.Empty(Codes("xx-jo-qmwzk", user: new PasswordUserInfo(Name: "Jo Li")));

    [Theory]
    [InlineData("my-ACME-secret", "acme")]
    [InlineData("contoso rocks!", "Contoso")]
    public void Check_ContainingARejectedWord_IsRejected(string password, string word) =>
        Assert.Equal(["password_rejected.restricted.words"], Codes(password, Policy(words: word)));

    [Fact]
    public void Check_SeveralProblems_ReportsEach() =>
        Assert.Equal(["password_rejected.too_short", "password_rejected.character_types", "password_rejected.restricted.repetition"],
            Codes("aaaa", Policy(types: 2)));

    [Fact]
    public void LegacyReasons_MapToTheHostedUiPhraseKeys() =>
        Assert.Equal(["too_short", "pwned", "repetition", "sequence", "personal_info", "restricted_words"],
            Password.LegacyReasons(new[] { "too_short", "pwned", "restricted.repetition", "restricted.sequence", "restricted.user_info", "restricted.words" }
                .Select(c => new PasswordIssue("password_rejected." + c))));
}

public sealed class SignInExperienceRulesTests
{
    private static (SignInExperienceSettings? Settings, string? Error) Apply(string patch) =>
        SignInExperienceRules.Apply(new SignInExperienceSettings(), JsonDocument.Parse(patch).RootElement);

    [Fact]
    public void Apply_PartialPatch_KeepsEverythingElse()
    {
        var (settings, error) = Apply("""{"passwordPolicy":{"length":{"min":12}},"signInMode":"SignIn"}""");
        Assert.Null(error);
        Assert.Equal(12, settings!.PasswordPolicy.Length.Min);
        Assert.Equal(256, settings.PasswordPolicy.Length.Max);
        Assert.True(settings.PasswordPolicy.Rejects.Pwned);
        Assert.Equal("SignIn", settings.SignInMode);
        Assert.Equal(["username"], settings.SignUp.Identifiers);
    }

    [Fact]
    public void Defaults_AreValid() => Assert.Null(SignInExperienceRules.Validate(new SignInExperienceSettings()));

    [Theory]
    [InlineData("""{"signInMode":"Sometimes"}""")]
    [InlineData("""{"agreeToTermsPolicy":"Never"}""")]
    [InlineData("""{"passwordPolicy":{"length":{"min":20,"max":10}}}""")]
    [InlineData("""{"passwordPolicy":{"length":{"min":0}}}""")]
    [InlineData("""{"passwordPolicy":{"length":{"max":257}}}""")]
    [InlineData("""{"passwordPolicy":{"characterTypes":{"min":5}}}""")]
    [InlineData("""{"passwordPolicy":{"length":{"min":"eight"}}}""")]
    [InlineData("""{"passwordPolicy":{"rejects":{"words":[""]}}}""")]
    [InlineData("""{"passwordPolicy":null}""")]
    [InlineData("""{"signUp":{"identifiers":["fax"]}}""")]
    [InlineData("""{"signUp":{"password":false}}""")]
    [InlineData("""{"signIn":{"methods":[]}}""")]
    [InlineData("""{"signIn":{"methods":[{"identifier":"username","password":false,"verificationCode":false,"isPasswordPrimary":true}]}}""")]
    [InlineData("""{"agreeToTermsPolicy":"Manual"}""")]
    [InlineData("""{"termsOfUseUrl":"javascript:alert(1)"}""")]
    [InlineData("""{"branding":{"primaryColor":"red"}}""")]
    [InlineData("""{"verificationCodePolicy":{"expirationDuration":10}}""")]
    [InlineData("""{"usernamePolicy":{"minLength":10,"maxLength":5}}""")]
    [InlineData("""{"unknownKnob":true}""")]
    [InlineData("""[]""")]
    public void Apply_InvalidPatch_IsRefused(string patch)
    {
        var (settings, error) = Apply(patch);
        Assert.Null(settings);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Apply_ManualTermsWithUrl_IsAccepted() =>
        Assert.Null(Apply("""{"agreeToTermsPolicy":"Manual","termsOfUseUrl":"https://example.com/terms"}""").Error);

    [Fact]
    public void Apply_RegisterOnlyWithoutSignInMethods_IsAccepted() =>
        Assert.Null(Apply("""{"signInMode":"Register","signIn":{"methods":[]}}""").Error);

    [Theory]
    [InlineData("Automatic", "Register", false)]
    [InlineData("ManualRegistrationOnly", "Register", true)]
    [InlineData("ManualRegistrationOnly", "SignIn", false)]
    [InlineData("Manual", "SignIn", true)]
    [InlineData("Manual", "Register", true)]
    [InlineData("Manual", "ForgotPassword", false)]
    public void TermsRequired_FollowsTheAgreementPolicy(string policy, string interactionEvent, bool required) =>
        Assert.Equal(required, Submit.TermsRequired(policy, interactionEvent));

    [Theory]
    [InlineData("SignIn", "Register", true)]
    [InlineData("SignIn", "SignIn", false)]
    [InlineData("SignIn", "ForgotPassword", false)]
    [InlineData("Register", "SignIn", true)]
    [InlineData("Register", "Register", false)]
    [InlineData("SignInAndRegister", "Register", false)]
    public void EventDisabled_FollowsTheSignInMode(string mode, string interactionEvent, bool disabled) =>
        Assert.Equal(disabled, ExperienceProblems.EventDisabled(interactionEvent, mode) is not null);

    [Fact]
    public void Migrations_AreEmbeddedUnderNamesThatSortInOrder() =>
        Assert.Equal(["Migrations.0001_sign_in_experience.sql", "Migrations.0002_terms_acceptances.sql", "Migrations.0003_session_authorizations.sql", "Migrations.0004_session_amr.sql", "Migrations.0005_snake_case_naming.sql"],
            typeof(ExperienceRoutes).Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
}
