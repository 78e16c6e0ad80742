using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.AppHost.Hosting;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>Runs the independent npm peers in <c>tests/node</c> (openid-client, oidc-provider, jose).</summary>
public static class NodePeers
{
    public static string Directory { get; } = Path.Combine(RepositoryLayout.Locate().Root, "tests", "node");

    public static async Task<JsonObject> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        var result = JsonNode.Parse(output.Length > 0 ? output : "{}")!.AsObject();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"node {script} {args.FirstOrDefault()} failed: {output} {await stderr}");
        return result;
    }
}

/// <summary>Debian's Chromium driven by Playwright (never `playwright install`: the machine has no route to its CDN).</summary>
public static class Browsers
{
    public static async Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
}

/// <summary>What a third-party developer does with a management token: register an application.</summary>
public static class ManagementApi
{
    public static async Task<JsonObject> CreateApplicationAsync(HttpClient http, Uri gateway, string token, object application)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/api/applications")) { Content = JsonContent.Create(application) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, "create application: " + body);
        return JsonNode.Parse(body)!.AsObject();
    }
}
