using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Auth.Platform.AppHost.Hosting;

public enum ResourceState { NotStarted, Starting, Running, Stopping, Stopped, Exited, Failed }

/// <summary>What run mode knows about one resource while the stack is up.</summary>
public sealed class ResourceRuntime(Resource resource, ResourceLog log)
{
    public Resource Resource { get; } = resource;
    public ResourceLog Log { get; } = log;
    public ResourceState State { get; internal set; }

    /// <summary>Supplied through <c>ConnectionStrings:NAME</c>: not started nor stopped by us.</summary>
    public bool IsExternal { get; internal set; }

    public string? Url { get; internal set; }
    public string? ConnectionString { get; internal set; }
    internal ManagedProcess? Process { get; set; }
    internal int[] Ports { get; set; } = [];
}

/// <summary>
/// Run mode: starts the graph in dependency order (each resource once all it references is healthy), injects
/// Aspire's environment contract, and stops everything it started.
/// </summary>
public sealed partial class Orchestrator : IAsyncDisposable
{
    private readonly IReadOnlyList<Resource> _resources;
    private readonly OrchestratorOptions _options;
    private readonly Dictionary<string, ResourceRuntime> _runtimes = [];
    private readonly Dictionary<ParameterResource, (string Value, bool Generated)> _parameters = [];
    private readonly Dictionary<Resource, Task> _starting = [];
    private readonly Lock _lock = new();
    private readonly HashSet<int> _allocatedPorts = [];
    private bool _stopped;
    private bool _resolved;

    public Orchestrator(IReadOnlyList<Resource> resources, OrchestratorOptions options)
    {
        _resources = resources;
        _options = options;
        var index = 0;
        foreach (var resource in resources.Where(r => r is not ParameterResource))
        {
            _runtimes[resource.Name] = new ResourceRuntime(resource, new ResourceLog(resource.Name, LogDirectory, options.Console, index++));
        }
    }

    public OrchestratorOptions Options => _options;
    public IReadOnlyDictionary<string, ResourceRuntime> Resources => _runtimes;
    public string GatewayUrl => $"http://localhost:{_options.GatewayPort}";
    public string ResourcesFile => Path.Combine(_options.DataDirectory, "resources.json");
    private string LogDirectory => Path.Combine(_options.DataDirectory, "logs");
    private string PidDirectory => Path.Combine(_options.DataDirectory, "pids");

    public (string ClientId, string ClientSecret) ManagementClient
    {
        get
        {
            var signin = _resources.OfType<ProjectResource>().Single(p => p.Name == "signin");
            string Value(string key) => signin.Environment.Single(e => e.Key == key).Value switch
            {
                { Parameter: { } p } => _parameters[p].Value,
                var v => v.Literal!,
            };
            return (Value("Bootstrap__ManagementClientId"), Value("Bootstrap__ManagementClientSecret"));
        }
    }

    /// <summary>From StartAsync's call until every resource was healthy.</summary>
    public TimeSpan StartupTime { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Directory.CreateDirectory(_options.DataDirectory);
        foreach (var stale in await ManagedProcess.KillStaleAsync(PidDirectory)) Info($"Stopped {stale} left running by a previous run.");
        CheckPrerequisites();
        foreach (var parameter in _resources.OfType<ParameterResource>()) _parameters[parameter] = ResolveParameter(parameter);
        _resolved = true;

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var all = _runtimes.Values.Select(r => EnsureStartedAsync(r.Resource, failed.Token)).ToList();
        try
        {
            while (all.Count > 0)
            {
                var done = await Task.WhenAny(all);
                all.Remove(done);
                if (done.IsFaulted || done.IsCanceled) failed.Cancel(); // one failure stops the rest from waiting
                await done;
            }
        }
        catch
        {
            await StopAllAsync();
            throw;
        }
        StartupTime = started.Elapsed;
        WriteResourcesFile();
    }

    public async Task StopResourceAsync(string name)
    {
        var runtime = _runtimes[name];
        await StopAsync(runtime);
        lock (_lock) _starting.Remove(runtime.Resource);
        WriteResourcesFile();
    }

    public async Task StartResourceAsync(string name, CancellationToken ct = default)
    {
        await EnsureStartedAsync(_runtimes[name].Resource, ct);
        WriteResourcesFile();
    }

    private Task EnsureStartedAsync(Resource resource, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_starting.TryGetValue(resource, out var task))
            {
                task = Task.Run(() => StartWithDependenciesAsync(resource, ct), CancellationToken.None);
                _starting[resource] = task;
            }
            return task;
        }
    }

    private async Task StartWithDependenciesAsync(Resource resource, CancellationToken ct)
    {
        var development = resource is ProjectResource { } p && _options.IsDevelopment ? p.DevelopmentReferences : [];
        await Task.WhenAll(resource.Dependencies.Concat(development).Where(d => d is not ParameterResource).Select(d => EnsureStartedAsync(d, ct)));
        var runtime = _runtimes[resource.Name];
        runtime.State = ResourceState.Starting;
        try
        {
            await (resource switch
            {
                PostgresServerResource postgres => StartPostgresAsync(runtime, postgres, ct),
                PostgresDatabaseResource database => CreateDatabaseAsync(runtime, database, ct),
                RedisResource => StartRedisAsync(runtime, ct),
                RabbitMQServerResource => StartRabbitMQAsync(runtime, ct),
                ProjectResource project => StartProjectAsync(runtime, project, ct),
                MailDevResource => StartMailDevAsync(runtime, ct),
                _ => throw new NotSupportedException(resource.GetType().Name),
            });
            runtime.State = ResourceState.Running;
        }
        catch
        {
            runtime.State = ResourceState.Failed;
            throw;
        }
    }

    private async Task StartProjectAsync(ResourceRuntime runtime, ProjectResource project, CancellationToken ct)
    {
        // Kept across StopResourceAsync/StartResourceAsync: whoever references it was given this URL.
        var url = EnsureProjectUrl(runtime, project);

        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = url,
            ["ASPNETCORE_ENVIRONMENT"] = _options.Environment,
            ["DOTNET_ENVIRONMENT"] = null,
            ["OTEL_SERVICE_NAME"] = project.Name,
            // Passed only when the user set it: the services export nothing otherwise.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _options.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } otlp ? otlp : null,
        };
        foreach (var dependency in project.References)
        {
            var target = _runtimes[dependency.Name];
            if (dependency is IResourceWithConnectionString) environment[$"ConnectionStrings__{dependency.Name}"] = target.ConnectionString;
            // A referenced project may start after this one (references can be mutual): its URL is fixed up front.
            if (dependency is ProjectResource referenced) environment[$"services__{dependency.Name}__http__0"] = EnsureProjectUrl(target, referenced);
        }
        foreach (var (key, value) in project.Environment) environment[key] = Evaluate(value);
        if (_options.IsDevelopment)
        {
            foreach (var (key, value) in project.DevelopmentEnvironment) environment[key] = value;
            foreach (var sink in project.DevelopmentReferences.OfType<MailDevResource>())
            {
                environment["Smtp__Host"] = "127.0.0.1";
                environment["Smtp__Port"] = Invariant(_runtimes[sink.Name].Ports[0]);
                environment["Smtp__From"] = MailDevResource.Sender;
            }
        }

        var assembly = _options.Repository.AssemblyPath(project);
        // The host that runs us (dotnet run/test set DOTNET_HOST_PATH) rather than whichever dotnet is first on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        runtime.Process = ManagedProcess.Start(
            dotnet, [assembly], environment, Path.Combine(_options.Repository.Root, project.ProjectDirectory),
            runtime.Log, PidFile(project));
        WatchForExit(runtime);
        await WaitHealthyAsync(runtime, c => Probes.HttpHealthAsync(url, c), ct);
    }

    /// <summary>Allocates a project's port once; kept across stop/start because whoever references it was given this URL.</summary>
    private string EnsureProjectUrl(ResourceRuntime runtime, ProjectResource project)
    {
        lock (runtime)
        {
            runtime.Ports = runtime.Ports.Length > 0 ? runtime.Ports : [project.ExternalHttpPort ?? AllocatePort()];
            var port = runtime.Ports[0];
            return runtime.Url ??= project.ExternalHttpPort is null ? $"http://127.0.0.1:{port}" : $"http://localhost:{port}";
        }
    }

    private string Evaluate(EnvironmentValue value) => value switch
    {
        { Parameter: { } parameter } => _parameters[parameter].Value,
        { Endpoint: { } endpoint } => endpoint.Resource.ExternalHttpPort is { } port ? $"http://localhost:{port}" : _runtimes[endpoint.Resource.Name].Url!,
        _ => value.Literal!,
    };

    private void WatchForExit(ResourceRuntime runtime)
    {
        var process = runtime.Process!;
        _ = process.WaitForExitAsync().ContinueWith(_ =>
        {
            if (runtime.Process != process || runtime.State is ResourceState.Stopping or ResourceState.Stopped) return;
            runtime.State = ResourceState.Exited;
            runtime.Log.Append($"exited unexpectedly with code {process.ExitCode}");
            TryWriteResourcesFile();
        }, TaskScheduler.Default);
    }

    /// <summary>Polls <paramref name="probe"/> until it succeeds; fails fast when the process dies, with its last lines.</summary>
    private async Task WaitHealthyAsync(ResourceRuntime runtime, Func<CancellationToken, Task<bool>> probe, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _options.StartupTimeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (await probe(ct)) return;
            if (runtime.Process is { HasExited: true } exited)
                throw Failure(runtime, $"exited with code {exited.ExitCode} before it was healthy");
            if (DateTime.UtcNow > deadline)
                throw Failure(runtime, $"was not healthy after {_options.StartupTimeout.TotalSeconds:0} s");
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 1000));
        }
    }

    private ResourceStartException Failure(ResourceRuntime runtime, string what) =>
        new($"Resource '{runtime.Resource.Name}' {what}. Last log lines ({Path.Combine(LogDirectory, runtime.Resource.Name + ".log")}):{Environment.NewLine}{runtime.Log.Tail()}");

    private (string, bool) ResolveParameter(ParameterResource parameter)
    {
        if (_options.Configuration[parameter.ConfigurationKey] is { Length: > 0 } configured) return (configured, false);
        // Generated once per data directory, like Aspire keeps generated values in user secrets: databases
        // initialised with a password, and clients seeded with a secret, must see the same value next run.
        var file = Path.Combine(_options.DataDirectory, "parameters", parameter.Name);
        if (File.Exists(file)) return (File.ReadAllText(file).Trim(), true);
        if (!parameter.Secret) throw new ResourceStartException($"Parameter '{parameter.Name}' is not set: add {parameter.ConfigurationKey} to the configuration.");
        var value = GenerateSecret();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        WriteOwnerOnly(file, value);
        return (value, true);
    }

    /// <summary>
    /// Writes a file that holds secrets (generated passwords, the admin client secret) readable by its owner only:
    /// created 0600, never world-readable even for a moment.
    /// </summary>
    internal static void WriteOwnerOnly(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream)) writer.Write(contents);
        // FileMode.Create keeps an existing file's mode: tighten one left by an older version.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static string GenerateSecret() =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);

    private int AllocatePort()
    {
        lock (_allocatedPorts)
        {
            while (true)
            {
                var port = Probes.FreePort();
                if (port != _options.GatewayPort && _allocatedPorts.Add(port)) return port;
            }
        }
    }

    private string PidFile(Resource resource) => Path.Combine(PidDirectory, resource.Name + ".pid");

    private async Task StopAsync(ResourceRuntime runtime)
    {
        // A database lives and dies with its server: nothing of its own to stop.
        if (runtime.Resource is PostgresDatabaseResource && !runtime.IsExternal && runtime.State == ResourceState.Running) runtime.State = ResourceState.Stopped;
        if (runtime.IsExternal || runtime.Process is null) return;
        runtime.State = ResourceState.Stopping;
        await (runtime.Resource switch
        {
            PostgresServerResource => StopPostgresAsync(runtime),
            RabbitMQServerResource => StopRabbitMQAsync(runtime),
            _ => runtime.Process.StopAsync(ManagedProcess.SIGTERM, TimeSpan.FromSeconds(10)),
        });
        runtime.State = ResourceState.Stopped;
    }

    /// <summary>The gateway first, then the other projects, then the infrastructure they use.</summary>
    public async Task StopAllAsync()
    {
        var projects = _runtimes.Values.Where(r => r.Resource is ProjectResource).ToList();
        var gateways = projects.Where(p => ((ProjectResource)p.Resource).ExternalHttpPort is not null).ToList();
        await Task.WhenAll(gateways.Select(StopAsync));
        await Task.WhenAll(projects.Except(gateways).Select(StopAsync));
        await Task.WhenAll(_runtimes.Values.Where(r => r.Resource is not ProjectResource).Select(StopAsync));
        lock (_lock) _starting.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await StopAllAsync();
        if (_resolved) TryWriteResourcesFile();
        foreach (var runtime in _runtimes.Values) runtime.Log.Dispose();
    }

    private void TryWriteResourcesFile()
    {
        try { WriteResourcesFile(); }
        catch (IOException) { }
    }

    /// <summary>The contract with tests and benchmarks (see CONTRACTS.md): how to reach each resource directly.</summary>
    private void WriteResourcesFile()
    {
        var resources = new JsonObject();
        foreach (var runtime in _runtimes.Values)
        {
            var entry = new JsonObject { ["type"] = runtime.Resource.TypeName };
            if (runtime.Url is not null) entry["url"] = runtime.Url;
            if (runtime.ConnectionString is not null) entry["connectionString"] = runtime.ConnectionString;
            entry["state"] = runtime.State.ToString();
            resources[runtime.Resource.Name] = entry;
        }
        var (clientId, clientSecret) = ManagementClient;
        var document = new JsonObject
        {
            ["gatewayUrl"] = GatewayUrl,
            ["resources"] = resources,
            ["managementClient"] = new JsonObject { ["clientId"] = clientId, ["clientSecret"] = clientSecret },
        };
        lock (_lock)
        {
            var temporary = ResourcesFile + ".tmp";
            WriteOwnerOnly(temporary, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temporary, ResourcesFile, overwrite: true);
        }
    }

    public void PrintSummary()
    {
        var rows = _runtimes.Values.Select(r => (
            r.Resource.Name,
            r.Resource.TypeName + (r.IsExternal ? " (external)" : ""),
            r.State.ToString(),
            r.Url ?? Redact(r.ConnectionString) ?? "")).ToList();
        var widths = new[] { rows.Max(r => r.Item1.Length), rows.Max(r => r.Item2.Length), rows.Max(r => r.Item3.Length) }
            .Select(w => Math.Max(w, 8)).ToArray();
        string Row(string a, string b, string c, string d) => $"  {a.PadRight(widths[0])}  {b.PadRight(widths[1])}  {c.PadRight(widths[2])}  {d}";

        var (clientId, clientSecret) = ManagementClient;
        var generated = _parameters.Where(p => p.Key.Name == "management-client-secret").Select(p => p.Value.Generated).FirstOrDefault();
        var lines = new List<string>
        {
            "",
            Row("RESOURCE", "TYPE", "STATE", "ENDPOINT"),
        };
        lines.AddRange(rows.Select(r => Row(r.Item1, r.Item2, r.Item3, r.Item4)));
        lines.Add("");
        lines.Add($"  Started in {StartupTime.TotalSeconds:0.0} s. Gateway (the public origin): {GatewayUrl}");
        lines.Add($"  Try a sign-in: open {GatewayUrl}/demo/ (demo SPA client 'demo-spa', redirect URI {GatewayUrl}/demo/callback)");
        foreach (var sink in _runtimes.Values.Where(r => r.Resource is MailDevResource && r.Url is not null))
            lines.Add($"  Email sent in development lands in the inbox at {sink.Url}");
        lines.Add($"  Management API client: {clientId} / {clientSecret}" +
            (generated ? "  (generated; set Bootstrap:ManagementClientSecret to choose one)" : ""));
        lines.Add($"  Resources, connection strings and logs: {ResourcesFile}, {LogDirectory}/");
        lines.Add("  Press Ctrl+C to stop everything.");
        lines.Add("");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }

    private static string? Redact(string? connectionString) =>
        connectionString is null ? null : PasswordPattern().Replace(connectionString, "$1***");

    [System.Text.RegularExpressions.GeneratedRegex("(Password=)[^;]*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex PasswordPattern();

    private void Info(string message)
    {
        if (_options.Console) Console.WriteLine(message);
    }

    private async Task CreateDatabaseAsync(ResourceRuntime runtime, PostgresDatabaseResource database, CancellationToken ct)
    {
        var server = _runtimes[database.Server.Name];
        runtime.IsExternal = server.IsExternal;
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database.DatabaseName);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            // Identifier, not a value: the name comes from the topology, quoted all the same.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName.Replace("\"", "\"\"")}\"", connection);
            try { await create.ExecuteNonQueryAsync(ct); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase) { }
        }
        runtime.ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database.DatabaseName }.ConnectionString;
    }

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
