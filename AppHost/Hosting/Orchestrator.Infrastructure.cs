using System.Diagnostics;

namespace Auth.Platform.AppHost.Hosting;

/// <summary>
/// PostgreSQL, Redis and RabbitMQ as private instances from the binaries on this machine (see scripts/dev-infra.sh),
/// or the user's own through <c>ConnectionStrings:NAME</c>.
/// </summary>
public sealed partial class Orchestrator
{
    private const string InstallHint = "run ./run.sh (installs it) or apt-get install";

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Uses the server named by <c>ConnectionStrings:{name}</c> when the user supplied one; false means start our own.</summary>
    private async Task<bool> UseExternalAsync(ResourceRuntime runtime, Func<string, CancellationToken, Task<bool>> probe, CancellationToken ct)
    {
        if (External(runtime.Resource.Name) is not { } external) return false;
        runtime.IsExternal = true;
        runtime.ConnectionString = external;
        await WaitHealthyAsync(runtime, c => probe(external, c), ct);
        return true;
    }

    private string? External(string name) => _options.Configuration[$"ConnectionStrings:{name}"] is { Length: > 0 } value ? value : null;

    /// <summary>One clear line per missing piece, before anything starts.</summary>
    private void CheckPrerequisites()
    {
        foreach (var resource in _resources)
        {
            var missing = resource switch
            {
                PostgresServerResource when External(resource.Name) is null && PostgresBin() is null =>
                    $"PostgreSQL (initdb, postgres) not found under /usr/lib/postgresql/*/bin: {InstallHint} postgresql",
                RedisResource when External(resource.Name) is null && FindExecutable("redis-server") is null =>
                    $"redis-server not found: {InstallHint} redis-server",
                RabbitMQServerResource when External(resource.Name) is null && RabbitMQServerScript() is null =>
                    $"rabbitmq-server not found: {InstallHint} rabbitmq-server",
                MailDevResource when !File.Exists(MailDevScript) =>
                    $"{MailDevScript} not found: run scripts/install-deps.sh (npm ci in tests/node)",
                ProjectResource project when !File.Exists(_options.Repository.AssemblyPath(project)) =>
                    $"{_options.Repository.AssemblyPath(project)} not found: build first (dotnet build -c {_options.Repository.Configuration}, or dotnet run --project AppHost builds everything)",
                _ => null,
            };
            if (missing is not null) throw new ResourceStartException(missing);
        }
        if (!PortIsFree(_options.GatewayPort))
            throw new ResourceStartException($"Gateway port {_options.GatewayPort} is in use (another stack?): choose another with --Gateway:Port N or Gateway__Port=N");
        if (IsRoot && FindExecutable("runuser") is null) throw new ResourceStartException($"runuser not found (needed to run PostgreSQL as a non-root user): {InstallHint} util-linux");
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static string? FindExecutable(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin"])
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    /// <summary>The newest server installed (Debian puts each major version in its own folder).</summary>
    private static string? PostgresBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")) && File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")).FirstOrDefault()
            : null;

    /// <summary>PostgreSQL and RabbitMQ refuse to run as root; as root we hand their folders to their own users.</summary>
    private static async Task ChownAsync(string user, string path)
    {
        if (!IsRoot) return;
        await RunToEndAsync("chown", ["-R", $"{user}:{user}", path]);
    }

    private static async Task<string> RunToEndAsync(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        if (environment is not null) foreach (var (key, value) in environment) startInfo.Environment[key] = value;
        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new ResourceStartException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} failed ({process.ExitCode}): {await error}{await output}");
        return await output;
    }

    private static (string FileName, string[] Arguments) AsUser(string user, string fileName, params string[] arguments) =>
        IsRoot ? ("runuser", ["-u", user, "--", fileName, .. arguments]) : (fileName, arguments);

    // ---- PostgreSQL ----

    private string PostgresData => Path.Combine(_options.DataDirectory, "postgres");

    private async Task StartPostgresAsync(ResourceRuntime runtime, PostgresServerResource postgres, CancellationToken ct)
    {
        if (await UseExternalAsync(runtime, Probes.PostgresAsync, ct)) return;

        var bin = PostgresBin()!;
        var password = _parameters[postgres.Password].Value;
        if (!File.Exists(Path.Combine(PostgresData, "PG_VERSION")))
        {
            Directory.CreateDirectory(PostgresData);
            var passwordFile = Path.Combine(_options.DataDirectory, "postgres-initdb-password");
            WriteOwnerOnly(passwordFile, password);
            try
            {
                await ChownAsync("postgres", PostgresData);
                await ChownAsync("postgres", passwordFile);
                var (file, args) = AsUser("postgres", Path.Combine(bin, "initdb"),
                    "-D", PostgresData, "-U", "postgres", "-E", "UTF8", "--no-sync",
                    "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={passwordFile}");
                runtime.Log.Append(await RunToEndAsync(file, args));
            }
            finally
            {
                File.Delete(passwordFile);
            }
        }

        runtime.Ports = runtime.Ports.Length > 0 ? runtime.Ports : [AllocatePort()];
        var port = Invariant(runtime.Ports[0]);
        // No Unix socket: stacks side by side would fight over /var/run/postgresql; TCP on loopback only.
        var (fileName, arguments) = AsUser("postgres", Path.Combine(bin, "postgres"),
            "-D", PostgresData, "-p", port, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "max_connections=300");
        runtime.ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password={password}";
        runtime.Process = ManagedProcess.Start(fileName, arguments, new Dictionary<string, string?>(), null, runtime.Log, PidFile(postgres));
        WatchForExit(runtime);
        await WaitHealthyAsync(runtime, c => Probes.PostgresAsync(runtime.ConnectionString, c), ct);
    }

    private async Task StopPostgresAsync(ResourceRuntime runtime)
    {
        var (fileName, arguments) = AsUser("postgres", Path.Combine(PostgresBin()!, "pg_ctl"), "stop", "-D", PostgresData, "-m", "fast", "-w", "-t", "20");
        try { await RunToEndAsync(fileName, arguments); }
        catch (ResourceStartException e) { runtime.Log.Append(e.Message); }
        await runtime.Process!.WaitOrKillAsync(TimeSpan.FromSeconds(5));
    }

    // ---- Redis ----

    private async Task StartRedisAsync(ResourceRuntime runtime, CancellationToken ct)
    {
        if (await UseExternalAsync(runtime, Probes.RedisAsync, ct)) return;
        runtime.Ports = runtime.Ports.Length > 0 ? runtime.Ports : [AllocatePort()];
        var port = Invariant(runtime.Ports[0]);
        runtime.ConnectionString = $"127.0.0.1:{port}";
        // A cache and Data Protection key ring for development: no persistence, so nothing to clean up.
        runtime.Process = ManagedProcess.Start(FindExecutable("redis-server")!,
            ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
            new Dictionary<string, string?>(), _options.DataDirectory, runtime.Log, PidFile(runtime.Resource));
        WatchForExit(runtime);
        await WaitHealthyAsync(runtime, c => Probes.RedisAsync(runtime.ConnectionString, c), ct);
    }

    // ---- RabbitMQ ----

    private string RabbitDirectory => Path.Combine(_options.DataDirectory, "rabbitmq");

    private async Task StartRabbitMQAsync(ResourceRuntime runtime, CancellationToken ct)
    {
        if (await UseExternalAsync(runtime, Probes.RabbitMQAsync, ct)) return;

        // The same ports on a restart (StopResourceAsync/StartResourceAsync): clients reconnect to where it was.
        runtime.Ports = runtime.Ports.Length > 0 ? runtime.Ports : [AllocatePort(), AllocatePort()];
        Directory.CreateDirectory(Path.Combine(RabbitDirectory, "mnesia"));
        Directory.CreateDirectory(Path.Combine(RabbitDirectory, "log"));
        await File.WriteAllTextAsync(Path.Combine(RabbitDirectory, "enabled_plugins"), "[].", ct);
        await ChownAsync("rabbitmq", RabbitDirectory);

        runtime.ConnectionString = $"amqp://guest:guest@127.0.0.1:{Invariant(runtime.Ports[0])}";
        File.Delete(RabbitPidFile); // a stale one would point the stop at a dead (or someone else's) pid
        var (fileName, arguments) = AsUser("rabbitmq", RabbitMQServerScript()!);
        runtime.Process = ManagedProcess.Start(fileName, arguments, RabbitEnvironment(runtime),
            _options.DataDirectory, runtime.Log, PidFile(runtime.Resource));
        WatchForExit(runtime);
        await WaitHealthyAsync(runtime, c => Probes.RabbitMQAsync(runtime.ConnectionString, c), ct);
    }

    /// <summary>
    /// The real script, not Debian's /usr/sbin wrapper: as root that one runs <c>su -c</c>, which puts the broker in
    /// a session of its own where stopping the AppHost's process group would not reach it. <c>runuser</c> does not.
    /// </summary>
    private static string? RabbitMQServerScript() =>
        File.Exists("/usr/lib/rabbitmq/bin/rabbitmq-server") ? "/usr/lib/rabbitmq/bin/rabbitmq-server" : FindExecutable("rabbitmq-server");

    private string RabbitPidFile => Path.Combine(RabbitDirectory, "pid");

    /// <summary>The node name is unique per stack (epmd is shared by every node on the machine).</summary>
    private string RabbitNodeName => $"apphost{Invariant(_options.GatewayPort)}@localhost";

    private Dictionary<string, string?> RabbitEnvironment(ResourceRuntime runtime) => new()
    {
        ["RABBITMQ_NODENAME"] = RabbitNodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Invariant(runtime.Ports[0]),
        ["RABBITMQ_DIST_PORT"] = Invariant(runtime.Ports[1]),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(RabbitDirectory, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(RabbitDirectory, "log"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(RabbitDirectory, "enabled_plugins"),
        ["RABBITMQ_PID_FILE"] = RabbitPidFile,
        // Development tools listen on loopback only: epmd (when this node starts it) and the distribution port.
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
    };

    private async Task StopRabbitMQAsync(ResourceRuntime runtime)
    {
        // SIGTERM to the beam itself is a clean node shutdown (no second Erlang VM for rabbitmqctl); the wrapper
        // processes (su, sh) exit with it.
        var pidFile = RabbitPidFile;
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var beam))
        {
            ManagedProcess.Kill(beam, ManagedProcess.SIGTERM);
            await runtime.Process!.WaitOrKillAsync(TimeSpan.FromSeconds(15));
        }
        else
        {
            await runtime.Process!.StopAsync(ManagedProcess.SIGTERM, TimeSpan.FromSeconds(15));
        }
        File.Delete(pidFile);
    }

    // ---- MailDev (development SMTP sink) ----

    private string MailDevScript => Path.Combine(_options.Repository.Root, "tests", "node", "node_modules", "maildev", "dist", "bin", "maildev.js");

    private async Task StartMailDevAsync(ResourceRuntime runtime, CancellationToken ct)
    {
        runtime.Ports = runtime.Ports.Length > 0 ? runtime.Ports : [AllocatePort(), AllocatePort()];
        var (smtp, web) = (Invariant(runtime.Ports[0]), Invariant(runtime.Ports[1]));
        runtime.Url = $"http://127.0.0.1:{web}";
        runtime.Process = ManagedProcess.Start(FindExecutable("node") ?? "node", [MailDevScript, "--smtp", smtp, "--web", web, "--ip", "127.0.0.1"],
            new Dictionary<string, string?>(), _options.DataDirectory, runtime.Log, PidFile(runtime.Resource));
        WatchForExit(runtime);
        await WaitHealthyAsync(runtime, c => Probes.HttpOkAsync(runtime.Url + "/api/email", c), ct);
    }
}
