using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>What the account and messaging tests need from the running stack: a Management API client through the gateway.</summary>
internal static class PlatformApi
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ConcurrentDictionary<PlatformStack, Task<string>> ManagementTokens = new();

    /// <summary>Client credentials with the stack's seeded M2M app, as a Logto integrator would obtain one.</summary>
    public static Task<string> ManagementTokenAsync(PlatformStack stack) => ManagementTokens.GetOrAdd(stack, s => s.ManagementTokenAsync(Ct));

    public static async Task<HttpClient> ManagementClientAsync(PlatformStack stack)
    {
        var http = new HttpClient { BaseAddress = stack.GatewayUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ManagementTokenAsync(stack));
        return http;
    }

    /// <summary>Unique per call, so tests never share data (usernames must start with a letter).</summary>
    public static string UniqueName(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A random French mobile number in E.164 (+33 61 and 7 digits): libphonenumber knows all of +33 61 as
    /// mobile, not every +33 6 block (e.g. +33 639 is not allocated).</summary>
    public static string UniquePhone() => "+3361" + Random.Shared.NextInt64(0, 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<JsonElement> CreateUserAsync(HttpClient management, object body)
    {
        using var response = await management.PostAsJsonAsync("/api/users", body, Ct);
        var json = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"create user failed: {(int)response.StatusCode} {json}");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>The user as the Management API shows it (to check what an Account API call did or did not change).</summary>
    public static async Task<JsonElement> ReadUserAsync(PlatformStack stack, string userId)
    {
        using var management = await ManagementClientAsync(stack);
        return await management.GetFromJsonAsync<JsonElement>($"/api/users/{userId}", Ct);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    /// <summary>Asserts an RFC 9457 problem with the platform's code vocabulary.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal("urn:auth-platform:error:" + code, problem.GetProperty("type").GetString());
    }
}

/// <summary>Bounded polling for eventually consistent effects: no fixed sleeps, a clear failure at the deadline.</summary>
internal static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, TimeSpan deadline, string what) where T : class
    {
        var until = DateTimeOffset.UtcNow + deadline;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTimeOffset.UtcNow > until) Assert.Fail($"{what} did not happen within {deadline.TotalSeconds:0} s");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, TimeSpan deadline, string what) =>
        ReturnsAsync(async () => await probe() ? "done" : null, deadline, what);
}
