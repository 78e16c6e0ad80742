using Microsoft.Extensions.Configuration;

namespace Auth.Platform.AppHost.Hosting;

public sealed class ResourceStartException(string message) : Exception(message);

public sealed record OrchestratorOptions
{
    public required RepositoryLayout Repository { get; init; }
    public required IConfiguration Configuration { get; init; }

    /// <summary>Per-stack state (databases, logs, pid files); several stacks run side by side with different ones.</summary>
    public required string DataDirectory { get; init; }

    public required int GatewayPort { get; init; }

    /// <summary>ASPNETCORE_ENVIRONMENT of every project.</summary>
    public string Environment { get; init; } = "Development";

    /// <summary>Prefix resource logs onto the console (run mode) or only write them to the data directory (tests).</summary>
    public bool Console { get; init; } = true;

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public bool IsDevelopment => string.Equals(Environment, "Development", StringComparison.OrdinalIgnoreCase);

    public static OrchestratorOptions FromConfiguration(IConfiguration configuration, RepositoryLayout repository)
    {
        var gatewayPort = configuration.GetValue("Gateway:Port", PlatformTopology.DefaultGatewayPort);
        var dataDirectory = configuration["AppHost:DataDir"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(repository.Root, ".data", gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new OrchestratorOptions
        {
            Repository = repository,
            Configuration = configuration,
            DataDirectory = dataDirectory,
            GatewayPort = gatewayPort,
            Environment = configuration["AppHost:Environment"] ?? "Development",
            StartupTimeout = TimeSpan.FromSeconds(configuration.GetValue("AppHost:StartupTimeoutSeconds", 90)),
        };
    }
}
