using Auth.Platform.Notification.Data;
using Auth.Platform.Notification.Delivery;
using Auth.Platform.Notification.VerificationCodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Auth.Platform.UnitTests.Notification;

/// <summary>Issue 10 pt 12: outside Development, a channel without a provider is refused (503) and reported unhealthy, never a silent 201.</summary>
public sealed class DeliveryProvidersTests
{
    private const string EmailSignUp = """{"signUp":{"identifiers":["email"],"verify":true},"signIn":{"methods":[{"identifier":"email","password":true,"verificationCode":false}]},"forgotPasswordMethods":["EmailVerificationCode","PhoneVerificationCode"],"mfa":{"factors":[]}}""";
    private const string UsernameOnly = """{"signUp":{"identifiers":["username"]},"signIn":{"methods":[{"identifier":"username","password":true,"verificationCode":false}]},"forgotPasswordMethods":["EmailVerificationCode","PhoneVerificationCode"],"mfa":{"factors":["Totp"]}}""";

    [Fact]
    public async Task Production_WithoutSmtp_IsUnhealthy_WhenTheSignInExperienceEnablesEmail()
    {
        var providers = Providers(Environments.Production);

        Assert.False(providers.CanDeliver("email"));
        var result = await Check(providers, Experience(EmailSignUp));
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("email", result.Description);
    }

    [Fact]
    public async Task Production_WithoutAnyProvider_IsHealthy_WhenTheSignInExperienceSendsNoCode()
    {
        Assert.Equal(HealthStatus.Healthy, (await Check(Providers(Environments.Production), Experience(UsernameOnly))).Status);
    }

    [Fact]
    public async Task StatedChannels_ReplaceTheSignInExperience()
    {
        var providers = Providers(Environments.Production, ("Smtp:Host", "smtp.example.com"), ("Notification:Channels", "email, sms"));

        Assert.True(providers.CanDeliver("email"));
        Assert.False(providers.CanDeliver("sms"));
        var result = await Check(providers, Experience(UsernameOnly));
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("sms", result.Description);
        Assert.DoesNotContain("email", result.Description);
    }

    [Fact]
    public async Task SigninUnreachable_IsDegraded_UntilReadOnce_ThenTheLastReadStands()
    {
        var providers = Providers(Environments.Production);
        var signin = new StubSignin(null);
        var experience = Experience(signin);

        Assert.Equal(HealthStatus.Degraded, (await Check(providers, experience)).Status);
        signin.Body = EmailSignUp;
        Assert.Equal(HealthStatus.Unhealthy, (await Check(providers, experience)).Status);
        signin.Body = null;
        Assert.Equal(HealthStatus.Unhealthy, (await Check(providers, experience)).Status);
    }

    [Theory]
    [InlineData(EmailSignUp, "email")]
    [InlineData(UsernameOnly, "")]
    [InlineData("""{"signUp":{"identifiers":["username"],"secondaryIdentifiers":[{"identifier":"phone","verify":true}]}}""", "sms")]
    [InlineData("""{"signIn":{"methods":[{"identifier":"phone","password":false,"verificationCode":true}]}}""", "sms")]
    [InlineData("""{"signIn":{"methods":[{"identifier":"email","password":true,"verificationCode":false}]},"forgotPasswordMethods":["EmailVerificationCode"]}""", "email")]
    [InlineData("""{"mfa":{"factors":["EmailVerificationCode","PhoneVerificationCode"]}}""", "email,sms")]
    [InlineData("""{"signUp":[],"signIn":{"methods":"x"},"mfa":null}""", "")]
    public void Channels_FromTheSignInExperience(string json, string expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(expected, string.Join(",", SignInExperienceChannels.FromSignInExperience(document.RootElement)));
    }

    [Fact]
    public void Development_WithoutAnSmsEndpoint_KeepsItsInbox()
    {
        Assert.True(Providers(Environments.Development).CanDeliver("sms"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CreateCode_WithoutAProvider_Is503ConnectorNotFound_WhetherOrNotItWouldBeDelivered(bool deliver)
    {
        // The refusal comes before any database work: the context points nowhere and is never opened.
        await using var db = new NotificationDbContext(new DbContextOptionsBuilder<NotificationDbContext>().UseNpgsql("Host=invalid.invalid").Options);
        var service = new VerificationCodeService(db, Providers(Environments.Production), new CodeDeliverySignal(), TimeProvider.System,
            Microsoft.Extensions.Options.Options.Create(new VerificationCodeOptions()));

        var result = await service.CreateAsync(new CodeBinding("i", "ForgotPassword", "email", "a@example.com"), null, deliver, null, null, TestContext.Current.CancellationToken);

        var problem = Assert.IsType<ProblemHttpResult>(result.Result);
        Assert.Equal(503, problem.StatusCode);
        Assert.Equal("connector.not_found", problem.ProblemDetails.Extensions["code"]);
    }

    private static Task<HealthCheckResult> Check(DeliveryProviders providers, SignInExperienceChannels experience) =>
        new DeliveryProvidersHealthCheck(providers, experience).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

    private static SignInExperienceChannels Experience(string json) => Experience(new StubSignin(json));

    private static SignInExperienceChannels Experience(StubSignin signin) => new(signin, new ConfigurationBuilder().Build(),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<SignInExperienceChannels>.Instance);

    /// <summary>signin's public sign-in experience document, or a refused connection while <see cref="Body"/> is null.</summary>
    private sealed class StubSignin(string? body) : HttpMessageHandler, IHttpClientFactory
    {
        public string? Body { get; set; } = body;

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Body is null
                ? throw new HttpRequestException("connection refused")
                : Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(Body) });
    }

    private static DeliveryProviders Providers(string environment, params (string Key, string Value)[] settings) => new(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
        new HostingEnvironment { EnvironmentName = environment });
}
