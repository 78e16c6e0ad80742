using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Auth.Platform.Notification.Delivery;

/// <summary>
/// Which channels can deliver at all: email needs <c>Smtp:Host</c>; SMS needs <c>Sms:Endpoint</c>, except in
/// Development, whose SMS inbox stands in for a provider. Asked before a code is created, so a request that cannot be
/// delivered answers 503 <c>connector.not_found</c> instead of a 201 that sends nothing.
/// </summary>
public sealed class DeliveryProviders(IConfiguration configuration, IHostEnvironment environment)
{
    public bool CanDeliver(string channel) => channel switch
    {
        "email" => configuration["Smtp:Host"] is { Length: > 0 },
        "sms" => configuration["Sms:Endpoint"] is { Length: > 0 } || environment.IsDevelopment(),
        _ => false,
    };

    /// <summary>
    /// The channels the sign-in experience enables, from <c>Notification:Channels</c> (comma-separated, default
    /// <c>email</c>). Configuration rather than a call to signin: a deployment states what it must be able to send.
    /// </summary>
    public IEnumerable<string> RequiredChannels() =>
        (configuration["Notification:Channels"] ?? "email").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Readiness: unhealthy while a required channel has no provider, so a misconfigured deployment fails loudly.</summary>
public sealed class DeliveryProvidersHealthCheck(DeliveryProviders providers) : IHealthCheck
{
    public const string Name = "delivery-providers";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var missing = providers.RequiredChannels().Where(c => !providers.CanDeliver(c)).ToArray();
        return Task.FromResult(missing.Length == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"No provider for channel(s) {string.Join(", ", missing)}: configure Smtp:Host / Sms:Endpoint or Notification:Channels."));
    }
}
