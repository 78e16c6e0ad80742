using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Platform.AppHost.Hosting;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>A long-running npm peer in <c>tests/node</c> (an external IdP), started on loopback and stopped by its own PID.</summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly Process _process;

    private NodeServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<NodeServer> StartAsync(string script, params string[] args)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("node") { WorkingDirectory = NodeScripts.Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data == "ready") ready.TrySetResult(); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Positive signal: the script prints "ready" once it listens.
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return new NodeServer(process, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class NodeScripts
{
    public static string Directory { get; } = Path.Combine(RepositoryLayout.Locate().Root, "tests", "node");

    public static async Task<JsonObject> RunAsync(string script, string argument)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"node {script}: {await stderr}");
        return JsonNode.Parse(await stdout)!.AsObject();
    }
}

/// <summary>sso-connector's Management API (through the gateway) and its internal API (direct, with a service token).</summary>
public sealed class SsoApi(PlatformStack stack) : IAsyncDisposable
{
    public HttpClient Management { get; private set; } = null!;
    public HttpClient Internal { get; private set; } = null!;
    /// <summary>A browser-like client on the gateway that does not follow redirects (the IdP's POST to the ACS).</summary>
    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = stack.GatewayUrl };

    public static async Task<SsoApi> CreateAsync(PlatformStack stack)
    {
        var api = new SsoApi(stack) { Management = await ManagementClientAsync(stack) };
        api.Internal = new HttpClient { BaseAddress = stack.ServiceUrl("sso-connector") };
        api.Internal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await stack.ServiceTokenAsync(Ct));
        return api;
    }

    public async Task<JsonObject> CreateAsync(string path, object body)
    {
        using var response = await Management.PostAsJsonAsync(path, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<(int Status, JsonObject Body)> PostInternalAsync(string path, object body)
    {
        using var response = await Internal.PostAsJsonAsync(path, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!.AsObject());
    }

    public ValueTask DisposeAsync()
    {
        Management.Dispose();
        Internal.Dispose();
        Browser.Dispose();
        return ValueTask.CompletedTask;
    }
}
