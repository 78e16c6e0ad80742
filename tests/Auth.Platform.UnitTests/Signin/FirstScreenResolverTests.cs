using Auth.Platform.Signin.Oidc;

namespace Auth.Platform.UnitTests.Signin;

public sealed class FirstScreenResolverTests
{
    private static FirstScreen Resolve(string mode, params (string Key, string Value)[] parameters) =>
        FirstScreenResolver.Resolve(name => parameters.Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault(), mode);

    [Theory]
    [InlineData(null, "SignInAndRegister", "/sign-in", "SignIn")]
    [InlineData("sign_in", "SignInAndRegister", "/sign-in", "SignIn")]
    [InlineData("signIn", "SignInAndRegister", "/sign-in", "SignIn")]
    [InlineData("register", "SignInAndRegister", "/register", "Register")]
    [InlineData("reset_password", "SignInAndRegister", "/reset-password", "ForgotPassword")]
    [InlineData("identifier:sign_in", "SignInAndRegister", "/identifier-sign-in", "SignIn")]
    [InlineData("identifier:register", "SignInAndRegister", "/identifier-register", "Register")]
    [InlineData("single_sign_on", "SignInAndRegister", "/single-sign-on", "SignIn")]
    [InlineData("register", "SignIn", "/sign-in", "SignIn")]
    [InlineData("identifier:register", "SignIn", "/sign-in", "SignIn")]
    [InlineData("identifier:sign_in", "SignIn", "/identifier-sign-in", "SignIn")]
    [InlineData("reset_password", "SignIn", "/reset-password", "ForgotPassword")]
    [InlineData("single_sign_on", "SignIn", "/single-sign-on", "SignIn")]
    [InlineData(null, "Register", "/register", "Register")]
    [InlineData("sign_in", "Register", "/register", "Register")]
    [InlineData("identifier:sign_in", "Register", "/register", "Register")]
    [InlineData("identifier:register", "Register", "/identifier-register", "Register")]
    [InlineData("reset_password", "Register", "/reset-password", "ForgotPassword")]
    [InlineData("single_sign_on", "Register", "/single-sign-on", "SignIn")]
    public void FirstScreen_MapsToLogtoRoute_AndTheSignInModeWins(string? firstScreen, string mode, string path, string interactionEvent)
    {
        var screen = firstScreen is null ? Resolve(mode) : Resolve(mode, ("first_screen", firstScreen));
        Assert.Equal(path, screen.Path);
        Assert.Equal(interactionEvent, screen.InteractionEvent);
        Assert.Equal(path, screen.RelativeUrl);
    }

    [Theory]
    [InlineData("identifier:sign-in")] // the docs' hyphen spelling is not accepted by Logto's code either
    [InlineData("SIGN_IN")]
    [InlineData("register ")]
    [InlineData("../admin")]
    [InlineData("")]
    public void UnknownFirstScreen_FallsBackToSignIn(string value) =>
        Assert.Equal("/sign-in", Resolve("SignInAndRegister", ("first_screen", value)).Path);

    [Fact]
    public void DeprecatedInteractionModeSignUp_MeansRegister_UnlessFirstScreenIsGiven()
    {
        Assert.Equal("/register", Resolve("SignInAndRegister", ("interaction_mode", "signUp")).Path);
        Assert.Equal("/sign-in", Resolve("SignInAndRegister", ("interaction_mode", "signIn")).Path);
        Assert.Equal("/reset-password", Resolve("SignInAndRegister", ("interaction_mode", "signUp"), ("first_screen", "reset_password")).Path);
        Assert.Equal("/sign-in", Resolve("SignIn", ("interaction_mode", "signUp")).Path);
    }

    [Fact]
    public void Parameters_AreForwardedInOrder_AndEscaped()
    {
        var screen = Resolve("SignInAndRegister", ("first_screen", "identifier:sign_in"), ("ui_locales", "fr en"), ("login_hint", "a+b@example.com"),
            ("identifier", "email phone"), ("direct_sign_in", "social:google"));
        Assert.Equal("/identifier-sign-in?ui_locales=fr%20en&login_hint=a%2Bb%40example.com&identifier=email%20phone&direct_sign_in=social%3Agoogle",
            screen.RelativeUrl);
    }

    [Theory]
    [InlineData("sign_in")]
    [InlineData("register")]
    [InlineData("single_sign_on")]
    public void Identifier_IsForwardedOnlyToIdentifierScreensAndReset(string firstScreen) =>
        Assert.DoesNotContain(Resolve("SignInAndRegister", ("first_screen", firstScreen), ("identifier", "email")).Query, p => p.Key == "identifier");

    [Theory]
    [InlineData("email", "email")]
    [InlineData("phone  email email", "phone email")]
    [InlineData("fax email", "email")]
    [InlineData("fax", null)]
    [InlineData("   ", null)]
    public void IdentifierTypes_KeepsKnownTypesOnce(string value, string? expected) =>
        Assert.Equal(expected, FirstScreenResolver.IdentifierTypes(value));

    [Theory]
    [InlineData("social:google", "social:google")]
    [InlineData("sso:abc-123", "sso:abc-123")]
    [InlineData("social:", null)]
    [InlineData("passkey:x", null)]
    [InlineData("social:goo gle", null)]
    [InlineData("social:a/../b", null)]
    public void DirectSignIn_AcceptsOnlySocialOrSsoTokens(string value, string? expected) =>
        Assert.Equal(expected, FirstScreenResolver.DirectSignIn(value));

    [Fact]
    public void LoginHint_TooLongOrBlank_IsDropped()
    {
        Assert.Empty(Resolve("SignInAndRegister", ("login_hint", new string('a', 257))).Query);
        Assert.Empty(Resolve("SignInAndRegister", ("login_hint", "  ")).Query);
        Assert.Empty(Resolve("SignInAndRegister", ("login_hint", "a\nb")).Query);
    }
}
