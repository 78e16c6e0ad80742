using System.Diagnostics;
using System.Text.Json.Nodes;
using Auth.Platform.AppHost.Hosting;

namespace Auth.Platform.IntegrationTests.Mfa;

/// <summary>TOTP codes computed by npm otplib (<c>tests/node/totp.mjs</c>), an implementation independent of ours.</summary>
internal static class Otplib
{
    public static async Task<string> CodeAsync(string secret, long epochSeconds, CancellationToken ct)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Path.Combine(RepositoryLayout.Locate().Root, "tests", "node"), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("totp.mjs");
        start.ArgumentList.Add(secret);
        start.ArgumentList.Add(epochSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync(ct));
        return JsonNode.Parse(output)!["code"]!.GetValue<string>();
    }
}
