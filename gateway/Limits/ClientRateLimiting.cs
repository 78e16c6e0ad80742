using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;

namespace Auth.Platform.Gateway.Limits;

/// <summary>Configuration section <c>Gateway:RateLimit</c>.</summary>
public sealed class ClientRateLimitOptions
{
    public const string Section = "Gateway:RateLimit";

    /// <summary>On by default; switch off only behind another limiter (or for a benchmark).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests per client address and window on the limited routes (a hosted-UI sign-in takes about ten).</summary>
    public int PermitLimit { get; set; } = 300;

    public int WindowSeconds { get; set; } = 10;

    /// <summary>
    /// Proxies (addresses or CIDR ranges) in front of the gateway whose <c>X-Forwarded-For</c> names the client. From
    /// anyone else the header is the client's own claim and is ignored, or one client could pose as many.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}

/// <summary>
/// A per-client-address fixed-window limit (ASP.NET Core rate limiting) on the routes that guess secrets or cost a
/// hash: the Experience API (passwords, codes), the token endpoint (client secrets, codes) and verifications. The
/// per-identifier lockout (signin's Sentinel) stops guessing one account; this stops one address spraying many.
/// Answers 429 <c>request.too_many_requests</c> with <c>Retry-After</c>.
/// </summary>
public static class ClientRateLimiting
{
    public static readonly PathString[] LimitedPrefixes = ["/api/experience", "/oidc/token", "/api/verifications"];

    public static IServiceCollection AddClientRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ClientRateLimitOptions.Section).Get<ClientRateLimitOptions>() ?? new();
        var trusted = options.TrustedProxies.Select(ParseNetwork).ToArray();
        var window = TimeSpan.FromSeconds(options.WindowSeconds);
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !options.Enabled || !LimitedPrefixes.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context, trusted), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.PermitLimit, Window = window, QueueLimit = 0, AutoReplenishment = true,
                    }));
            o.OnRejected = (rejection, _) =>
            {
                var wait = rejection.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : window;
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                rejection.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(PlatformProblems.Create(StatusCodes.Status429TooManyRequests, "request.too_many_requests",
                    $"Too many requests from this address; retry after {seconds} s.", new { retryAfter = seconds }).ExecuteAsync(rejection.HttpContext));
            };
        });
        return services;
    }

    /// <summary>
    /// The connection's address; when that is a trusted proxy, the right-most <c>X-Forwarded-For</c> entry that is not
    /// one (each proxy appends what it saw, so entries left of it are the client's to invent).
    /// </summary>
    public static string ClientAddress(HttpContext context, IReadOnlyList<IPNetwork> trustedProxies)
    {
        if (context.Connection.RemoteIpAddress is not { } remote) return "unknown";
        var address = Normalize(remote);
        if (!IsTrusted(address, trustedProxies)) return address.ToString();
        var hops = context.Request.Headers["X-Forwarded-For"].SelectMany(v => (v ?? "").Split(',')).Select(h => h.Trim()).ToArray();
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop)) break;
            address = Normalize(hop);
            if (!IsTrusted(address, trustedProxies)) break;
        }
        return address.ToString();
    }

    /// <summary>A CIDR range, or one address.</summary>
    public static IPNetwork ParseNetwork(string value)
    {
        if (value.Contains('/')) return IPNetwork.Parse(value);
        var address = Normalize(IPAddress.Parse(value));
        return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }

    private static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trustedProxies) => trustedProxies.Any(n => n.Contains(address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
