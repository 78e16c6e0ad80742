using System.Text.Json;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Experience.Steps;
using Auth.Platform.Signin.SignInExperience;

namespace Auth.Platform.UnitTests.Signin;

public class ProfileRequirementsTests
{
    private static SignUpSettings SignUp(string[] identifiers, bool password, params string[] secondary) => new()
    {
        Identifiers = [.. identifiers], Password = password, Verify = identifiers.Any(i => i != "username"),
        SecondaryIdentifiers = [.. secondary.Select(s => new SecondaryIdentifier { Identifier = s })],
    };

    [Theory]
    [InlineData(new[] { "username" }, true, null, null, null, false, new[] { "username", "password" })]
    [InlineData(new[] { "username" }, true, "alice", null, null, true, new string[0])]
    [InlineData(new[] { "email" }, false, null, null, "+33612345678", false, new[] { "email" })]
    [InlineData(new[] { "email", "phone" }, false, null, null, "+33612345678", false, new string[0])]
    [InlineData(new[] { "email", "phone" }, false, null, null, null, false, new[] { "emailOrPhone" })]
    [InlineData(new[] { "phone" }, true, null, null, "+33612345678", false, new[] { "password" })]
    [InlineData(new string[0], false, null, null, null, false, new string[0])]
    public void Missing_ListsWhatThePrimaryIdentifiersAndPasswordNeed(
        string[] identifiers, bool password, string? username, string? email, string? phone, bool hasPassword, string[] expected) =>
        Assert.Equal(expected, ProfileRequirements.Missing(SignUp(identifiers, password), new ProfileSnapshot(username, email, phone, hasPassword)));

    [Fact]
    public void Missing_IncludesSecondaryIdentifiers_InLogtosNames()
    {
        var signUp = SignUp(["username"], true, "email", "phone");
        Assert.Equal(["email", "phone"], ProfileRequirements.Missing(signUp, new ProfileSnapshot("alice", null, null, true)));
        Assert.Equal(["emailOrPhone"], ProfileRequirements.Missing(SignUp(["username"], true, "emailOrPhone"), new ProfileSnapshot("alice", null, null, true)));
        Assert.Empty(ProfileRequirements.Missing(SignUp(["username"], true, "emailOrPhone"), new ProfileSnapshot("alice", "a@b.co", null, true)));
    }
}

public class SignUpSettingsRulesTests
{
    private static string? ApplyPatch(string patch) =>
        SignInExperienceRules.Apply(new SignInExperienceSettings(), JsonDocument.Parse(patch).RootElement).Error;

    [Theory]
    [InlineData("""{"signUp":{"identifiers":["email"],"password":false,"verify":true},"signIn":{"methods":[{"identifier":"email","password":false,"verificationCode":true,"isPasswordPrimary":false}]}}""")]
    [InlineData("""{"signUp":{"identifiers":["email","phone"],"password":true,"verify":true},"signIn":{"methods":[{"identifier":"email","password":true,"verificationCode":true,"isPasswordPrimary":true},{"identifier":"phone","password":false,"verificationCode":true,"isPasswordPrimary":false}]}}""")]
    [InlineData("""{"signUp":{"secondaryIdentifiers":[{"identifier":"emailOrPhone"}]}}""")]
    [InlineData("""{"forgotPasswordMethods":["EmailVerificationCode"]}""")]
    public void Apply_WithLogtoShapes_IsAccepted(string patch) => Assert.Null(ApplyPatch(patch));

    [Theory]
    [InlineData("""{"signUp":{"identifiers":["username","email"]}}""")]
    [InlineData("""{"signUp":{"identifiers":["email"],"verify":false},"signIn":{"methods":[{"identifier":"email","password":true}]}}""")]
    [InlineData("""{"signUp":{"identifiers":["phone"],"verify":true}}""")]
    [InlineData("""{"signUp":{"secondaryIdentifiers":[{"identifier":"username"}]}}""")]
    [InlineData("""{"signUp":{"secondaryIdentifiers":[{"identifier":"fax"}]}}""")]
    [InlineData("""{"signIn":{"methods":[{"identifier":"username","password":false,"verificationCode":true}]}}""")]
    [InlineData("""{"forgotPasswordMethods":["Carrier pigeon"]}""")]
    public void Apply_WithInconsistentSettings_IsRefused(string patch) => Assert.NotNull(ApplyPatch(patch));
}
