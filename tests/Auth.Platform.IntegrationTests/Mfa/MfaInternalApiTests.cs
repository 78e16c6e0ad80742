using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.AppHost.Hosting;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Mfa;

/// <summary>mfa's internal API under concurrency: single use and attempt caps hold when requests race (B-1, B-5).</summary>
public sealed partial class MfaInternalApiTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private HttpClient _mfa = null!;

    public async ValueTask InitializeAsync()
    {
        _mfa = new HttpClient { BaseAddress = fixture.Stack.ServiceUrl("mfa") };
        _mfa.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.Stack.ServiceTokenAsync(Ct));
    }

    public ValueTask DisposeAsync()
    {
        _mfa.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task BackupCode_SpentByTenParallelRequests_SucceedsExactlyOnce()
    {
        var userId = NewUserId();
        await BindTotpAsync(userId);
        var codes = await BindBackupCodesAsync(userId);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _mfa.PostAsJsonAsync($"/internal/mfa/users/{userId}/backup-codes/verify", new { code = codes[0] }, Ct)));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        foreach (var failed in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
            Assert.Equal("session.mfa.invalid_backup_code", (await failed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Totp_TwentyParallelWrongGuesses_CannotPassTheCapOfTen()
    {
        var userId = NewUserId();
        await BindTotpAsync(userId);
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            _mfa.PostAsJsonAsync($"/internal/mfa/users/{userId}/totp/verify", new { code = (100000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) }, Ct)));
        // One of the guesses could be right by chance (3 in 10^6 per guess); none may slip past the cap.
        Assert.Equal(10, answers.Count(a => a.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.OK));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
    }

    private static string NewUserId() => "mfa-test-" + Guid.NewGuid().ToString("N")[..12];

    private async Task BindTotpAsync(string userId)
    {
        var enrolment = await JsonAsync(await _mfa.PostAsJsonAsync($"/internal/mfa/users/{userId}/totp/enrolments", new { accountName = "tester" }, Ct));
        var id = enrolment.GetProperty("enrolmentId").GetString();
        var code = await OtplibCodeAsync(enrolment.GetProperty("secret").GetString()!);
        await JsonAsync(await _mfa.PostAsJsonAsync($"/internal/mfa/users/{userId}/totp/enrolments/{id}/verify", new { code }, Ct));
        await JsonAsync(await _mfa.PostAsJsonAsync($"/internal/mfa/users/{userId}/enrolments/{id}/bind", new { }, Ct));
    }

    private async Task<string[]> BindBackupCodesAsync(string userId)
    {
        var enrolment = await JsonAsync(await _mfa.PostAsJsonAsync($"/internal/mfa/users/{userId}/backup-codes/enrolments", new { }, Ct));
        await JsonAsync(await _mfa.PostAsJsonAsync($"/internal/mfa/users/{userId}/enrolments/{enrolment.GetProperty("enrolmentId").GetString()}/bind", new { }, Ct));
        return [.. enrolment.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)];
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static async Task<string> OtplibCodeAsync(string secret)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Path.Combine(RepositoryLayout.Locate().Root, "tests", "node"), RedirectStandardOutput = true };
        start.ArgumentList.Add("totp.mjs");
        start.ArgumentList.Add(secret);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return JsonNode.Parse(output)!["code"]!.GetValue<string>();
    }
}
