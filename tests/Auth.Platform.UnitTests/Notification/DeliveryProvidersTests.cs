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
    [Fact]
    public async Task Production_WithoutSmtp_IsUnhealthyForTheDefaultEmailChannel()
    {
        var providers = Providers(Environments.Production);

        Assert.False(providers.CanDeliver("email"));
        var result = await new DeliveryProvidersHealthCheck(providers).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("email", result.Description);
    }

    [Fact]
    public async Task Production_WithSmtp_AndOnlyEmailRequired_IsHealthy_ButCannotSendSms()
    {
        var providers = Providers(Environments.Production, ("Smtp:Host", "smtp.example.com"), ("Notification:Channels", "email"));

        Assert.True(providers.CanDeliver("email"));
        Assert.False(providers.CanDeliver("sms"));
        var result = await new DeliveryProvidersHealthCheck(providers).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Production_RequiringSms_WithoutAnEndpoint_IsUnhealthy()
    {
        var providers = Providers(Environments.Production, ("Smtp:Host", "smtp.example.com"), ("Notification:Channels", "email, sms"));

        var result = await new DeliveryProvidersHealthCheck(providers).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("sms", result.Description);
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

    private static DeliveryProviders Providers(string environment, params (string Key, string Value)[] settings) => new(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
        new HostingEnvironment { EnvironmentName = environment });
}
