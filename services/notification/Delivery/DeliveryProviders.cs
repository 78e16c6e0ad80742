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
    /// The channels that must have a provider: <c>Notification:Channels</c> (comma-separated) when the deployment states
    /// them, otherwise the ones the sign-in experience enables (<see cref="SignInExperienceChannels"/>); null while that
    /// experience cannot be read.
    /// </summary>
    public async Task<IReadOnlyList<string>?> RequiredChannelsAsync(SignInExperienceChannels experience, CancellationToken ct) =>
        configuration["Notification:Channels"] is { } stated
            ? stated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : await experience.EnabledAsync(ct);
}

/// <summary>Readiness: unhealthy while a required channel has no provider, so a misconfigured deployment fails loudly.</summary>
public sealed class DeliveryProvidersHealthCheck(DeliveryProviders providers, SignInExperienceChannels experience) : IHealthCheck
{
    public const string Name = "delivery-providers";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Unknown (signin not reachable yet, nothing read before) is Degraded: readiness does not hang on signin,
        // and a known misconfiguration is never reported healthy.
        if (await providers.RequiredChannelsAsync(experience, cancellationToken) is not { } required)
            return HealthCheckResult.Degraded("The sign-in experience could not be read yet; its channels are not checked.");
        var missing = required.Where(c => !providers.CanDeliver(c)).ToArray();
        return missing.Length == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"No provider for channel(s) {string.Join(", ", missing)}: configure Smtp:Host / Sms:Endpoint, or change the sign-in experience.");
    }
}
