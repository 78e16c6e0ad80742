using System.Net;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.SignInExperience;
using Auth.Platform.Testing;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>The lockout counters against the stack's real Redis (the per-IP cap is too high to reach through the gateway in a test).</summary>
public sealed class SentinelTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private static readonly SentinelPolicySettings Policy = new() { MaxAttempts = 3, LockoutDuration = 5 };

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Stack.ConnectionString("redis"));
    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    private Sentinel NewSentinel(int ipLimit) => new(_redis, new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Signin:Sentinel:MaxFailuresPerIpPerHour"] = ipLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        .Build());

    private static IPAddress NewIp() => new([10, (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(1, 255)]);
    private static string NewName() => "s_" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task IdentifierLock_StartsAtTheLimit_AndASuccessBeforeItResetsTheCount()
    {
        var sentinel = NewSentinel(1000);
        var (name, ip) = (NewName(), NewIp());
        Assert.Null(await sentinel.RecordFailureAsync("username", name, ip, Policy));
        Assert.Null(await sentinel.RecordFailureAsync("username", name, ip, Policy));
        await sentinel.RecordSuccessAsync("username", name);
        Assert.Null(await sentinel.RecordFailureAsync("username", name, ip, Policy));
        Assert.Null(await sentinel.LockedForAsync("username", name, ip));
        Assert.Null(await sentinel.RecordFailureAsync("username", name, ip, Policy));
        Assert.Equal(TimeSpan.FromMinutes(5), await sentinel.RecordFailureAsync("username", name, ip, Policy));
        var locked = await sentinel.LockedForAsync("USERNAME".ToLowerInvariant(), name.ToUpperInvariant(), NewIp());
        Assert.InRange(locked!.Value.TotalSeconds, 290, 300);
    }

    [Fact]
    public async Task IpLock_CapsFailuresSpreadOverManyIdentifiers()
    {
        var sentinel = NewSentinel(4);
        var ip = NewIp();
        for (var i = 0; i < 3; i++) Assert.Null(await sentinel.RecordFailureAsync("email", NewName() + "@example.com", ip, Policy));
        Assert.NotNull(await sentinel.RecordFailureAsync("email", NewName() + "@example.com", ip, Policy));
        Assert.NotNull(await sentinel.LockedForAsync("email", NewName() + "@example.com", ip));
        Assert.Null(await sentinel.LockedForAsync("email", NewName() + "@example.com", NewIp()));
    }
}
