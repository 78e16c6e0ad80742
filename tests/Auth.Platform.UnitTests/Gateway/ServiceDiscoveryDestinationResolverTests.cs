using Auth.Platform.Gateway.ServiceDiscovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;

namespace Auth.Platform.UnitTests.Gateway;

public class ServiceDiscoveryDestinationResolverTests
{
    private static (ServiceDiscoveryDestinationResolver Resolver, IConfigurationRoot Configuration, ServiceProvider Services) Create(
        Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddServiceDiscovery()
            .BuildServiceProvider();
        return (new ServiceDiscoveryDestinationResolver(services.GetRequiredService<ServiceEndpointResolver>()), configuration, services);
    }

    private static Dictionary<string, DestinationConfig> Destination(string name, string address) =>
        new() { [name] = new DestinationConfig { Address = address } };

    [Fact]
    public async Task Resolve_ServiceName_ReturnsEveryConfiguredHttpEndpoint()
    {
        var (resolver, _, services) = Create(new()
        {
            ["services:signin:http:0"] = "http://127.0.0.1:17001",
            ["services:signin:http:1"] = "http://127.0.0.1:17002",
            ["services:signin:https:0"] = "https://127.0.0.1:17443",
        });
        await using var _ = services;

        var resolved = await resolver.ResolveDestinationsAsync(Destination("signin", "http://signin"), TestContext.Current.CancellationToken);

        Assert.Equal(["http://127.0.0.1:17001/", "http://127.0.0.1:17002/"], resolved.Destinations.Values.Select(d => d.Address).Order());
        Assert.All(resolved.Destinations.Keys, k => Assert.StartsWith("signin[", k));
        Assert.NotNull(resolved.ChangeToken);
    }

    [Fact]
    public async Task Resolve_AddressWithPath_KeepsThePathOnTheResolvedEndpoint()
    {
        var (resolver, _, services) = Create(new() { ["services:account:http:0"] = "http://127.0.0.1:18001" });
        await using var _ = services;

        var resolved = await resolver.ResolveDestinationsAsync(Destination("account", "http://account/base/"), TestContext.Current.CancellationToken);

        Assert.Equal("http://127.0.0.1:18001/base/", Assert.Single(resolved.Destinations.Values).Address);
    }

    [Fact]
    public async Task Resolve_UnconfiguredService_PassesTheNameThroughToDns()
    {
        var (resolver, _, services) = Create(new());
        await using var _ = services;

        var resolved = await resolver.ResolveDestinationsAsync(Destination("ui", "http://ui"), TestContext.Current.CancellationToken);

        Assert.Equal("http://ui/", Assert.Single(resolved.Destinations.Values).Address);
    }

    [Fact]
    public async Task Resolve_AfterConfigurationChanges_SignalsAndReturnsTheNewEndpoint()
    {
        var (resolver, configuration, services) = Create(new() { ["services:signin:http:0"] = "http://127.0.0.1:17001" });
        await using var _ = services;
        var ct = TestContext.Current.CancellationToken;
        var first = await resolver.ResolveDestinationsAsync(Destination("signin", "http://signin"), ct);

        configuration["services:signin:http:0"] = "http://127.0.0.1:17009";
        configuration.Reload();

        Assert.True(first.ChangeToken!.HasChanged);
        // The endpoint watcher refreshes in the background after the change; YARP re-resolves on the token.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        string? address;
        do
        {
            var again = await resolver.ResolveDestinationsAsync(Destination("signin", "http://signin"), ct);
            address = Assert.Single(again.Destinations.Values).Address;
            if (address == "http://127.0.0.1:17009/") break;
            await Task.Delay(50, ct);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal("http://127.0.0.1:17009/", address);
    }
}
