using Auth.Platform.AppHost;
using Auth.Platform.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace Auth.Platform.Testing;

public sealed class PlatformStackOptions
{
    /// <summary>Null = a free port. The gateway is the public origin (issuer, redirect URIs).</summary>
    public int? GatewayPort { get; set; }

    /// <summary>Null = a fresh folder under /tmp, deleted at dispose.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>ASPNETCORE_ENVIRONMENT of the projects; Development seeds the demo client.</summary>
    public string Environment { get; set; } = "Development";

    /// <summary>Extra AppHost configuration, e.g. <c>ConnectionStrings:postgres</c> to use an existing server.</summary>
    public IDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>();

    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Also prefix resource logs onto the test process's console (they always go to DataDirectory/logs).</summary>
    public bool ShowLogs { get; set; }
}

/// <summary>
/// The whole platform on this machine, started from the AppHost's own resource graph (<see cref="PlatformTopology"/>),
/// like Aspire.Hosting.Testing's DistributedApplicationTestingBuilder: tests exercise the stack that ships.
/// </summary>
public sealed class PlatformStack : IAsyncDisposable
{
    private readonly Orchestrator _orchestrator;
    private readonly bool _ownsDataDirectory;

    private PlatformStack(Orchestrator orchestrator, bool ownsDataDirectory)
    {
        _orchestrator = orchestrator;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public static async Task<PlatformStack> StartAsync(PlatformStackOptions? options = null, CancellationToken ct = default)
    {
        options ??= new PlatformStackOptions();
        var repository = RepositoryLayout.Locate();
        var gatewayPort = options.GatewayPort ?? FreePort();
        var ownsDataDirectory = options.DataDirectory is null;
        var dataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), $"auth-platform-stack-{gatewayPort}-{Guid.NewGuid():N}"[..40]);

        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Port"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AppHost:DataDir"] = dataDirectory,
            ["AppHost:Environment"] = options.Environment,
        };
        // A service client so tests can call /internal/* with a real service token (Development only, see the topology).
        var serviceClientSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        settings["Bootstrap:ServiceClients:0:ClientId"] = ServiceClientId;
        settings["Bootstrap:ServiceClients:0:ClientSecret"] = serviceClientSecret;
        // Every test request comes from loopback: the gateway's per-client limit would throttle whole suites. The
        // limit itself is proven by the gateway tests (InputGatewayLimitsTests); a test may set it back.
        settings["Gateway:RateLimit:PermitLimit"] = "1000000";
        foreach (var (key, value) in options.Configuration) settings[key] = value;
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings)
            .Build();

        var builder = new PlatformBuilder(configuration);
        PlatformTopology.Build(builder);
        var orchestrator = new Orchestrator(builder.Resources, OrchestratorOptions.FromConfiguration(configuration, repository) with
        {
            Console = options.ShowLogs,
            StartupTimeout = options.StartupTimeout,
        });
        try
        {
            await orchestrator.StartAsync(ct);
        }
        catch
        {
            await orchestrator.DisposeAsync();
            // Keep the logs of a failed start: the exception names the folder.
            throw;
        }
        return new PlatformStack(orchestrator, ownsDataDirectory) { ServiceClient = (ServiceClientId, serviceClientSecret) };
    }

    public const string ServiceClientId = "test-service-client";

    /// <summary>M2M client granted the <c>internal</c> scope on <c>urn:auth-platform:internal</c>: service tokens for <c>/internal/*</c>.</summary>
    public (string ClientId, string ClientSecret) ServiceClient { get; private init; }

    /// <summary>A client-credentials service token (audience <c>urn:auth-platform:internal</c>, scope <c>internal</c>).</summary>
    public Task<string> ServiceTokenAsync(CancellationToken ct = default) =>
        ClientCredentialsTokenAsync(ServiceClient, "urn:auth-platform:internal", "internal", ct);

    /// <summary>A Management API token (Logto's resource and scope), obtained as an integrator would, through the gateway.</summary>
    public Task<string> ManagementTokenAsync(CancellationToken ct = default) =>
        ClientCredentialsTokenAsync(ManagementClient, "https://default.logto.app/api", "all", ct);

    private async Task<string> ClientCredentialsTokenAsync((string ClientId, string ClientSecret) client, string resource, string scope, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = GatewayUrl };
        using var response = await http.PostAsync("/oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
            ["resource"] = resource,
            ["scope"] = scope,
        }), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Token request for {resource} failed ({(int)response.StatusCode}): {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public Uri GatewayUrl => new(_orchestrator.GatewayUrl);

    public string DataDirectory => _orchestrator.Options.DataDirectory;

    /// <summary>Direct URL of a project resource (bypassing the gateway), e.g. "account".</summary>
    public Uri ServiceUrl(string resource) =>
        new(Runtime(resource).Url ?? throw new ArgumentException($"'{resource}' is not a project resource.", nameof(resource)));

    /// <summary>"postgres", "signindb", "redis", "eventbus", ...</summary>
    public string ConnectionString(string resource) =>
        Runtime(resource).ConnectionString ?? throw new ArgumentException($"'{resource}' has no connection string.", nameof(resource));

    public (string ClientId, string ClientSecret) ManagementClient => _orchestrator.ManagementClient;

    /// <summary>Stops one resource (e.g. "eventbus" for outbox tests); it keeps its ports and data for StartResourceAsync.</summary>
    public Task StopResourceAsync(string resource) => _orchestrator.StopResourceAsync(Runtime(resource).Resource.Name);

    /// <summary>Starts it again and waits until it is healthy.</summary>
    public Task StartResourceAsync(string resource) => _orchestrator.StartResourceAsync(Runtime(resource).Resource.Name);

    public ValueTask DisposeAsync() => DisposeCoreAsync();

    private async ValueTask DisposeCoreAsync()
    {
        await _orchestrator.DisposeAsync();
        if (_ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            try { Directory.Delete(DataDirectory, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private ResourceRuntime Runtime(string resource) =>
        _orchestrator.Resources.TryGetValue(resource, out var runtime)
            ? runtime
            : throw new ArgumentException($"No resource named '{resource}'.", nameof(resource));

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
