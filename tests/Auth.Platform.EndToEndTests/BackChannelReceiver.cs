using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// The npm receiver <c>tests/node/bcl-receiver.mjs</c> (jose validates each logout_token against our JWKS) on a free
/// loopback port. It can be stopped and started again on the same port; what it received is in a JSON-lines file
/// that outlives the process.
/// </summary>
public sealed class BackChannelReceiver : IAsyncDisposable
{
    private readonly string _issuer;
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"bcl-{Guid.NewGuid():N}.jsonl");
    private Process? _process;

    private BackChannelReceiver(string issuer, int port)
    {
        _issuer = issuer;
        Port = port;
    }

    public int Port { get; }

    public static async Task<BackChannelReceiver> StartAsync(string issuer)
    {
        var receiver = new BackChannelReceiver(issuer, FreePort());
        await receiver.StartAsync();
        return receiver;
    }

    public string UriFor(string name) => $"http://127.0.0.1:{Port}/bcl/{name}";

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = NodePeers.Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "bcl-receiver.mjs", "--port", Port.ToString(), "--issuer", _issuer, "--jwks", _issuer + "/jwks", "--log", _log })
            start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "ready") throw new InvalidOperationException("bcl-receiver did not start: " + await _process.StandardError.ReadToEndAsync(timeout.Token));
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Every POST received for <paramref name="name"/> so far, in order.</summary>
    public List<JsonObject> Received(string name) =>
        !File.Exists(_log) ? [] : [.. File.ReadAllLines(_log).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(r => r["name"]!.GetValue<string>() == name)];

    /// <summary>Waits (bounded, polling) until at least <paramref name="count"/> POSTs arrived for <paramref name="name"/>.</summary>
    public async Task<List<JsonObject>> WaitForAsync(string name, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var received = Received(name);
            if (received.Count >= count || DateTime.UtcNow > deadline) return received;
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        File.Delete(_log);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
