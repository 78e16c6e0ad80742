using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Applications;

/// <summary>
/// Seeds the applications the platform itself needs from configuration: the Management API M2M client, optional
/// service clients for <c>/internal/*</c> and, in development, the demo SPA. Idempotent: every start re-applies the configuration (a changed secret takes effect).
/// </summary>
public sealed class ApplicationSeeder(IServiceProvider services, IConfiguration configuration, ILogger<ApplicationSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        if (configuration["Bootstrap:ManagementClientId"] is { Length: > 0 } clientId)
        {
            var secret = configuration["Bootstrap:ManagementClientSecret"]
                ?? throw new InvalidOperationException("Bootstrap:ManagementClientSecret is required with Bootstrap:ManagementClientId.");
            await UpsertAsync(manager, clientId, "Management API (bootstrap)", ApplicationTypes.MachineToMachine, secret, d =>
            {
                d.Permissions.Add(Permissions.Prefixes.Scope + PlatformScopes.ManagementAll);
                d.Permissions.Add(Permissions.Prefixes.Resource + PlatformAudiences.Management);
            }, ct);
        }
        // M2M clients for /internal/* (service tokens) other than signin itself, e.g. the test host's.
        foreach (var client in configuration.GetSection("Bootstrap:ServiceClients").GetChildren())
        {
            if (client["ClientId"] is not { Length: > 0 } serviceClientId || client["ClientSecret"] is not { Length: > 0 } serviceSecret)
                throw new InvalidOperationException($"Bootstrap:ServiceClients:{client.Key} needs ClientId and ClientSecret.");
            await UpsertAsync(manager, serviceClientId, "Service client (bootstrap)", ApplicationTypes.MachineToMachine, serviceSecret, d =>
            {
                d.Permissions.Add(Permissions.Prefixes.Scope + PlatformScopes.Internal);
                d.Permissions.Add(Permissions.Prefixes.Resource + PlatformAudiences.Internal);
            }, ct);
        }
        if (configuration.GetValue("Bootstrap:DemoClient:Enabled", false))
        {
            var publicUrl = configuration.GetPublicUrl();
            await UpsertAsync(manager, "demo-spa", "Demo SPA", ApplicationTypes.Spa, null, d =>
            {
                d.RedirectUris.Add(new Uri($"{publicUrl}/demo/callback"));
                d.PostLogoutRedirectUris.Add(new Uri($"{publicUrl}/demo/"));
            }, ct);
        }
    }

    private async Task UpsertAsync(IOpenIddictApplicationManager manager, string clientId, string name, string type, string? secret,
        Action<OpenIddictApplicationDescriptor> configure, CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor { ClientId = clientId, DisplayName = name, ClientSecret = secret };
        ApplicationDescriptors.ApplyType(descriptor, type);
        configure(descriptor);
        var existing = await manager.FindByClientIdAsync(clientId, ct);
        if (existing is null)
        {
            descriptor.Properties[ApplicationProperties.CreatedAt] = JsonSerializer.SerializeToElement(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            try
            {
                await manager.CreateAsync(descriptor, ct);
                logger.LogInformation("Seeded application {ClientId}", clientId);
                return;
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                // Another replica seeded it at the same moment (unique client_id): fall through to the update.
                existing = await manager.FindByClientIdAsync(clientId, ct);
                if (existing is null) throw;
            }
        }
        var current = new OpenIddictApplicationDescriptor();
        await manager.PopulateAsync(current, existing, ct);
        if (current.Properties.TryGetValue(ApplicationProperties.CreatedAt, out var createdAt))
            descriptor.Properties[ApplicationProperties.CreatedAt] = createdAt;
        await manager.UpdateAsync(existing, descriptor, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
