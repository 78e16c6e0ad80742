using System.Net;
using System.Text.Json;
using Auth.Platform.Ui.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Auth.Platform.UnitTests.Ui;

/// <summary>The ui host as Program.cs composes it, serving the real wwwroot from the source tree.</summary>
public sealed class HostedUiFixture : IAsyncLifetime
{
    public static readonly string WebRoot = FindWebRoot();
    private WebApplication? _app;
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { WebRootPath = WebRoot });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.UseHostedUi();
        _app.MapDefaultEndpoints();
        _app.MapHostedUiPages();
        await _app.StartAsync();
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_app.Urls.First()) };
    }

    private static string FindWebRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "ui", "wwwroot");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("ui/wwwroot not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }
}

public class HostedUiTests(HostedUiFixture fixture) : IClassFixture<HostedUiFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("/", "/assets/app.js")]
    [InlineData("/sign-in", "/assets/app.js")]
    [InlineData("/register", "/assets/app.js")]
    [InlineData("/identifier-sign-in", "/assets/app.js")]
    [InlineData("/identifier-register", "/assets/app.js")]
    [InlineData("/reset-password", "/assets/app.js")]
    [InlineData("/single-sign-on", "/assets/app.js")]
    [InlineData("/error", "/assets/app.js")]
    [InlineData("/callback/abc123", "/assets/app.js")]
    [InlineData("/social/link/abc123", "/assets/app.js")]
    [InlineData("/consent", "/assets/consent.js")]
    [InlineData("/demo", "/demo/demo.js")]
    [InlineData("/demo/", "/demo/demo.js")]
    [InlineData("/demo/callback", "/demo/demo.js")]
    public async Task Get_KnownRoute_ServesItsPageUncached(string path, string script)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Contains($"<script type=\"module\" src=\"{script}\"></script>", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/assets/app.js", "text/javascript")]
    [InlineData("/demo/demo.js", "text/javascript")]
    [InlineData("/assets/app.css", "text/css")]
    [InlineData("/locales/fr.json", "application/json")]
    public async Task Get_Asset_IsServedAsAFileNotAsAPage(string path, string mediaType)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task PostCallback_FormPostAnswer_BecomesAGetOfTheCallbackPage()
    {
        using var response = await _client.PostAsync("/callback/apple-1", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = "c/1+2", ["state"] = "st", ["user"] = "{\"name\":{\"firstName\":\"A\"}}",
        }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/callback/apple-1?", location);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location[location.IndexOf('?')..]);
        Assert.Equal("c/1+2", query["code"].ToString());
        Assert.Equal("st", query["state"].ToString());
        Assert.Equal("{\"name\":{\"firstName\":\"A\"}}", query["user"].ToString());
    }

    [Theory]
    [InlineData("/callback/a.b", "code=x")]
    [InlineData("/callback/abc", null)]
    public async Task PostCallback_NotAConnectorAnswer_IsRefused(string path, string? form)
    {
        using var content = form is null ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json")
            : new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _client.PostAsync(path, content, TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, response.StatusCode.ToString());
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Get_UnknownPage_ServesTheShellWith404()
    {
        using var response = await _client.GetAsync("/no-such-page", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_UnknownAsset_Is404WithoutThePageShell()
    {
        using var response = await _client.GetAsync("/assets/missing.js", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_Page_SendsAStrictSameOriginContentSecurityPolicy()
    {
        using var response = await _client.GetAsync("/sign-in", TestContext.Current.CancellationToken);

        Assert.Equal(HostedUiExtensions.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", HostedUiExtensions.ContentSecurityPolicy);
        Assert.DoesNotContain("unsafe-inline", HostedUiExtensions.ContentSecurityPolicy);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public void Dictionaries_EnglishAndFrench_HaveExactlyTheSameKeys()
    {
        static IEnumerable<string> Keys(JsonElement e, string prefix) => e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject().SelectMany(p => Keys(p.Value, prefix + p.Name + "."))
            : [prefix.TrimEnd('.')];
        var en = Keys(JsonDocument.Parse(File.ReadAllText(Path.Combine(HostedUiFixture.WebRoot, "locales", "en.json"))).RootElement, "").Order();
        var fr = Keys(JsonDocument.Parse(File.ReadAllText(Path.Combine(HostedUiFixture.WebRoot, "locales", "fr.json"))).RootElement, "").Order();

        Assert.Equal(en, fr);
    }

    // Every code of the Experience API contract (CONTRACTS.md) and of what it forwards from account and notification.
    [Theory]
    [InlineData("session.invalid_credentials")]
    [InlineData("session.not_found")]
    [InlineData("session.verification_failed")]
    [InlineData("session.not_identified")]
    [InlineData("session.verification_blocked_too_many_attempts")]
    [InlineData("session.not_supported_for_forgot_password")]
    [InlineData("session.forgot_password_not_enabled")]
    [InlineData("auth.forbidden")]
    [InlineData("guard.invalid_input")]
    [InlineData("user.username_already_in_use")]
    [InlineData("user.email_already_in_use")]
    [InlineData("user.phone_already_in_use")]
    [InlineData("user.invalid_email")]
    [InlineData("user.invalid_phone")]
    [InlineData("user.user_not_exist")]
    [InlineData("user.missing_profile")]
    [InlineData("user.same_password")]
    [InlineData("user.suspended")]
    [InlineData("user.new_password_required_in_profile")]
    [InlineData("user.sign_in_method_not_enabled")]
    [InlineData("user.sign_up_method_not_enabled")]
    [InlineData("user.username_exists_in_profile")]
    [InlineData("user.password_exists_in_profile")]
    [InlineData("user.email_exists_in_profile")]
    [InlineData("user.phone_exists_in_profile")]
    [InlineData("password.rejected")]
    [InlineData("terms.not_agreed")]
    [InlineData("service.unavailable")]
    [InlineData("verification_code.too_many_requests")]
    [InlineData("verification_code.code_mismatch")]
    [InlineData("verification_code.expired")]
    [InlineData("verification_code.exceed_max_try")]
    [InlineData("verification_code.not_found")]
    [InlineData("verification_code.email_mismatch")]
    [InlineData("verification_code.phone_mismatch")]
    [InlineData("network")]
    // MFA (services/mfa/README.md) and the browser's WebAuthn refusals, which mfa.js turns into codes.
    [InlineData("session.mfa.invalid_totp_code")]
    [InlineData("session.mfa.invalid_backup_code")]
    [InlineData("session.mfa.webauthn_verification_failed")]
    [InlineData("session.mfa.mfa_factor_not_enabled")]
    [InlineData("session.mfa.backup_code_can_not_be_alone")]
    [InlineData("session.mfa.require_mfa_verification")]
    [InlineData("session.mfa.backup_code_required")]
    [InlineData("session.mfa.mfa_policy_not_user_controlled")]
    [InlineData("session.verification_session_not_found")]
    [InlineData("user.missing_mfa")]
    [InlineData("user.totp_already_in_use")]
    [InlineData("webauthn.cancelled")]
    [InlineData("webauthn.unsupported")]
    [InlineData("webauthn.already_registered")]
    [InlineData("webauthn.failed")]
    // Social and SSO (issue 12): sso-connector's refusals as signin forwards them, identification's, and the page's own state check.
    [InlineData("connector.authorization_failed")]
    [InlineData("connector.invalid_request_parameters")]
    [InlineData("connector.social_auth_code_invalid")]
    [InlineData("connector.social_invalid_id_token")]
    [InlineData("connector.social_invalid_access_token")]
    [InlineData("connector.invalid_response")]
    [InlineData("connector.invalid_config")]
    [InlineData("connector.general")]
    [InlineData("session.connector_session_not_found")]
    [InlineData("session.connector_id_mismatch")]
    [InlineData("session.invalid_connector_id")]
    [InlineData("session.sso_enabled")]
    [InlineData("user.identity_not_exist")]
    [InlineData("user.identity_already_in_use")]
    [InlineData("social.state_mismatch")]
    public void Dictionaries_LocaliseEveryExperienceErrorCodeTheUiShows(string code)
    {
        foreach (var locale in new[] { "en", "fr" })
        {
            var node = JsonDocument.Parse(File.ReadAllText(Path.Combine(HostedUiFixture.WebRoot, "locales", $"{locale}.json"))).RootElement.GetProperty("errors");
            foreach (var part in code.Split('.')) node = node.GetProperty(part);
            Assert.False(string.IsNullOrWhiteSpace(node.GetString()));
        }
    }
}
