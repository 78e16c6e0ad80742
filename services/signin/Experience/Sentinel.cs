using System.Net;
using System.Security.Cryptography;
using System.Text;
using Auth.Platform.Signin.SignInExperience;
using StackExchange.Redis;

namespace Auth.Platform.Signin.Experience;

/// <summary>
/// Brute-force protection for guessable secrets (passwords and verification codes share one pool, as Logto's sentinel):
/// failures are counted per identifier and per client IP for an hour; reaching the policy's limit locks for its lockout
/// duration. Unknown identifiers are counted exactly like known ones, so a lock says nothing about an account (B-1, B-6).
/// Counters live in Redis; when Redis is unreachable the calls throw and the step fails closed (503), never open.
/// </summary>
public sealed class Sentinel(IConnectionMultiplexer redis, IConfiguration configuration)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    // KEYS[1] failure counter, KEYS[2] lock; ARGV: limit, window s, lockout s. Returns the lock's remaining seconds or 0.
    private const string RecordFailureScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
        if n >= tonumber(ARGV[1]) then
          redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
          redis.call('DEL', KEYS[1])
          return tonumber(ARGV[3])
        end
        return 0
        """;

    /// <summary>Failures one IP may make across all identifiers in an hour; higher than the per-identifier policy because a
    /// shared NAT is not one attacker, but it caps password spraying over many accounts.</summary>
    private int IpLimit => Math.Max(1, configuration.GetValue("Signin:Sentinel:MaxFailuresPerIpPerHour", 1000));

    /// <summary>The remaining lock on this identifier or this IP, or null when attempts are allowed.</summary>
    public async Task<TimeSpan?> LockedForAsync(string identifierType, string identifierValue, IPAddress? ip)
    {
        var db = redis.GetDatabase();
        TimeSpan? longest = null;
        foreach (var key in new[] { LockKey(IdentifierKey(identifierType, identifierValue)), LockKey(IpKey(ip)) })
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            if (ttl is { } t && t > TimeSpan.Zero && (longest is null || t > longest)) longest = t;
        }
        return longest;
    }

    /// <returns>The lock this failure started, or null when the limit is not reached yet.</returns>
    public async Task<TimeSpan?> RecordFailureAsync(string identifierType, string identifierValue, IPAddress? ip, SentinelPolicySettings policy)
    {
        var db = redis.GetDatabase();
        var lockout = TimeSpan.FromMinutes(policy.LockoutDuration);
        TimeSpan? started = null;
        foreach (var (key, limit) in new[] { (IdentifierKey(identifierType, identifierValue), policy.MaxAttempts), (IpKey(ip), IpLimit) })
        {
            var seconds = (long)await db.ScriptEvaluateAsync(RecordFailureScript, [FailKey(key), LockKey(key)],
                [limit, (long)Window.TotalSeconds, (long)lockout.TotalSeconds]);
            if (seconds > 0) started = lockout;
        }
        return started;
    }

    /// <summary>A success clears the identifier's failures (not the IP's: one good account must not launder guesses on others).</summary>
    public Task RecordSuccessAsync(string identifierType, string identifierValue) =>
        redis.GetDatabase().KeyDeleteAsync(FailKey(IdentifierKey(identifierType, identifierValue)));

    /// <summary>
    /// Counts a code request from this IP; returns the wait when the hourly budget is spent. notification limits each
    /// recipient; this bounds one client spraying many recipients (SMS pumping).
    /// </summary>
    public async Task<TimeSpan?> CountCodeRequestAsync(IPAddress? ip)
    {
        var limit = configuration.GetValue("Signin:Sentinel:CodeRequestsPerIpPerHour", 200);
        var key = (RedisKey)("signin:sentinel:codes:" + IpKey(ip));
        var db = redis.GetDatabase();
        var n = await db.StringIncrementAsync(key);
        if (n == 1) await db.KeyExpireAsync(key, Window);
        if (n <= limit) return null;
        return await db.KeyTimeToLiveAsync(key) ?? Window;
    }

    /// <summary>Hashed, so Redis holds no list of who tried to sign in.</summary>
    private static string IdentifierKey(string type, string value) =>
        "id:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(type + ":" + value.Trim().ToLowerInvariant())));

    private static string IpKey(IPAddress? ip) => "ip:" + (ip is null ? "unknown" : ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : ip.ToString());
    private static RedisKey FailKey(string key) => "signin:sentinel:fail:" + key;
    private static RedisKey LockKey(string key) => "signin:sentinel:lock:" + key;
}
