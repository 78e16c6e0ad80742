using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Auth.Platform.Gateway.ServiceDiscovery;

/// <summary>
/// Expands a destination such as <c>http://signin</c> into one destination per endpoint that service discovery knows
/// (<c>services:signin:http:0</c>, ...). It does what <c>Microsoft.Extensions.ServiceDiscovery.Yarp</c> does; that
/// package is not in our registry. The change token of the endpoint source makes YARP resolve again when the
/// configuration (or any other provider) changes.
/// </summary>
public sealed class ServiceDiscoveryDestinationResolver(ServiceEndpointResolver resolver) : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var changeTokens = new List<IChangeToken>();
        foreach (var (name, destination) in destinations)
        {
            var address = new Uri(destination.Address);
            // "http://signin" asks for the "http" endpoints of service "signin"; the path part is kept on every result.
            var source = await resolver.GetEndpointsAsync(address.GetLeftPart(UriPartial.Authority), cancellationToken);
            changeTokens.Add(source.ChangeToken);
            foreach (var endpoint in source.Endpoints)
            {
                var target = ToUri(endpoint, address.Scheme);
                var builder = new UriBuilder(address) { Scheme = target.Scheme, Host = target.Host, Port = target.Port };
                resolved[$"{name}[{target.Authority}]"] = destination with { Address = builder.Uri.ToString() };
            }
        }
        return new ResolvedDestinationCollection(resolved, new CompositeChangeToken(changeTokens));
    }

    private static Uri ToUri(ServiceEndpoint endpoint, string defaultScheme) => endpoint.EndPoint switch
    {
        UriEndPoint u => u.Uri,
        // Port 0 is the pass-through provider's "no port given": keep the scheme's default port.
        System.Net.DnsEndPoint d => new UriBuilder(defaultScheme, d.Host, d.Port > 0 ? d.Port : -1).Uri,
        System.Net.IPEndPoint ip => new UriBuilder(defaultScheme, ip.Address.ToString(), ip.Port > 0 ? ip.Port : -1).Uri,
        var other => new Uri($"{defaultScheme}://{other}"),
    };
}
