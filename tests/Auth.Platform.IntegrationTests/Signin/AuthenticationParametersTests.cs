using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>
/// Logto's authentication parameters on <c>/oidc/auth</c> (first_screen, interaction_mode, identifier, login_hint,
/// direct_sign_in, ui_locales): the hosted-UI route, its query and the interaction's event, in each sign-in mode.
/// They change the global sign-in mode, so they share the sign-in experience tests' non-parallel collection.
/// </summary>
[Collection(nameof(SignInExperienceTests))]
public sealed class AuthenticationParametersTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Callback = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await SetModeAsync("SignInAndRegister");
        _client.Dispose();
    }

    public static TheoryData<string, string, string, string> Screens() => new()
    {
        { "SignInAndRegister", "sign_in", "/sign-in", "SignIn" },
        { "SignInAndRegister", "signIn", "/sign-in", "SignIn" },
        { "SignInAndRegister", "register", "/register", "Register" },
        { "SignInAndRegister", "reset_password", "/reset-password", "ForgotPassword" },
        { "SignInAndRegister", "identifier:sign_in", "/identifier-sign-in", "SignIn" },
        { "SignInAndRegister", "identifier:register", "/identifier-register", "Register" },
        { "SignInAndRegister", "single_sign_on", "/single-sign-on", "SignIn" },
        { "SignIn", "sign_in", "/sign-in", "SignIn" },
        { "SignIn", "register", "/sign-in", "SignIn" },
        { "SignIn", "reset_password", "/reset-password", "ForgotPassword" },
        { "SignIn", "identifier:sign_in", "/identifier-sign-in", "SignIn" },
        { "SignIn", "identifier:register", "/sign-in", "SignIn" },
        { "SignIn", "single_sign_on", "/single-sign-on", "SignIn" },
        { "Register", "sign_in", "/register", "Register" },
        { "Register", "register", "/register", "Register" },
        { "Register", "reset_password", "/reset-password", "ForgotPassword" },
        { "Register", "identifier:sign_in", "/register", "Register" },
        { "Register", "identifier:register", "/identifier-register", "Register" },
        { "Register", "single_sign_on", "/single-sign-on", "SignIn" },
    };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task FirstScreen_LandsOnItsRoute_WithTheMatchingEvent_InEachSignInMode(string mode, string firstScreen, string path, string interactionEvent)
    {
        await SetModeAsync(mode);
        var location = await AuthorizeAsync("&first_screen=" + Uri.EscapeDataString(firstScreen) + "&ui_locales=fr&login_hint=alice%40example.com&identifier=email");

        Assert.Equal(_client.PublicUrl + path, location.GetLeftPart(UriPartial.Path));
        Assert.Equal("fr", SigninClient.Query(location.ToString(), "ui_locales"));
        Assert.Equal("alice@example.com", SigninClient.Query(location.ToString(), "login_hint"));
        Assert.Equal(path is "/identifier-sign-in" or "/identifier-register" or "/reset-password" ? "email" : null,
            SigninClient.Query(location.ToString(), "identifier"));
        Assert.Equal(interactionEvent, await InteractionEventAsync());
    }

    [Fact]
    public async Task DeprecatedInteractionModeSignUp_LandsOnRegister()
    {
        var location = await AuthorizeAsync("&interaction_mode=signUp");
        Assert.Equal(_client.PublicUrl + "/register", location.ToString());
        Assert.Equal("Register", await InteractionEventAsync());
    }

    [Fact]
    public async Task Identifier_KeepsOnlyKnownTypes()
    {
        var location = await AuthorizeAsync("&first_screen=identifier:register&identifier=" + Uri.EscapeDataString("fax phone email phone"));
        Assert.Equal("phone email", SigninClient.Query(location.ToString(), "identifier"));
    }

    [Theory]
    [InlineData("social:google", "/sign-in", "social:google")]
    [InlineData("sso:conn_123", "/sign-in", "sso:conn_123")]
    [InlineData("magic:x", "/sign-in", null)]
    [InlineData("social:<script>", "/sign-in", null)]
    public async Task DirectSignIn_WithoutConnectors_FallsBackToTheFirstScreen_AndStaysVisibleToTheUi(string value, string path, string? forwarded)
    {
        var location = await AuthorizeAsync("&direct_sign_in=" + Uri.EscapeDataString(value));
        Assert.Equal(_client.PublicUrl + path, location.GetLeftPart(UriPartial.Path));
        Assert.Equal(forwarded, SigninClient.Query(location.ToString(), "direct_sign_in"));
    }

    [Theory]
    [InlineData("&first_screen=nonsense")]
    [InlineData("&first_screen=identifier:sign-in")]
    [InlineData("&first_screen=")]
    [InlineData("&identifier=")]
    [InlineData("&direct_sign_in=social:")]
    [InlineData("&interaction_mode=whatever")]
    public async Task UnknownValues_AreIgnored_NeverAnError(string extra)
    {
        var location = await AuthorizeAsync(extra);
        Assert.Equal(_client.PublicUrl + "/sign-in", location.ToString());
        Assert.Equal("SignIn", await InteractionEventAsync());
    }

    [Fact]
    public async Task OverlongLoginHint_IsNotForwarded()
    {
        var location = await AuthorizeAsync("&login_hint=" + new string('a', 300));
        Assert.Equal(_client.PublicUrl + "/sign-in", location.ToString());
    }

    private async Task<Uri> AuthorizeAsync(string extra)
    {
        var app = await _client.CreateApplicationAsync("SPA", Callback);
        using var response = await _client.GetAsync(SigninClient.AuthorizePath(app.GetProperty("id").GetString()!, Callback, SigninClient.NewPkce().Challenge, extra: extra));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private async Task<string?> InteractionEventAsync()
    {
        using var response = await _client.ExperienceAsync(HttpMethod.Get, "/interaction");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("interactionEvent").GetString();
    }

    private async Task SetModeAsync(string mode)
    {
        using var response = await _client.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new { signInMode = mode });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
