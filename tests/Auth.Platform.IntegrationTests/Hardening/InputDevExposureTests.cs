using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Hardening;

/// <summary>Issue 10 pt 14: development secrets are owner-only files, and RabbitMQ's sockets listen on loopback only.</summary>
public sealed class InputDevExposureTests(PlatformStackFixture fixture)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void SecretFiles_AreReadableByTheirOwnerOnly()
    {
        var data = fixture.Stack.DataDirectory;
        var secrets = Directory.GetFiles(Path.Combine(data, "parameters")).Append(Path.Combine(data, "resources.json")).ToList();
        Assert.Contains(secrets, f => f.EndsWith("resources.json", StringComparison.Ordinal));
        Assert.All(secrets, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnly, $"{f}: {File.GetUnixFileMode(f)}"));
    }

    /// <summary>Every TCP socket the RabbitMQ node listens on (AMQP and the Erlang distribution port) is bound to 127.0.0.1.</summary>
    [Fact]
    public void RabbitMQ_ListensOnLoopbackOnly()
    {
        // The broker's own pid (RABBITMQ_PID_FILE, written by the node) in the orchestrator's rabbitmq directory.
        var pid = File.ReadAllText(Path.Combine(fixture.Stack.DataDirectory, "rabbitmq", "pid")).Trim();
        var inodes = Directory.GetFiles($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget ?? "")
            .Where(t => t.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(t => t["socket:[".Length..^1]).ToHashSet();
        var listening = File.ReadAllLines("/proc/net/tcp").Skip(1).Concat(File.ReadAllLines("/proc/net/tcp6").Skip(1))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && inodes.Contains(f[9]))
            .Select(f => f[1]).ToList();
        Assert.True(listening.Count >= 2, $"expected the AMQP and distribution listeners, found {listening.Count}");
        // 0100007F:port is 127.0.0.1 in /proc's little-endian hex.
        Assert.All(listening, local => Assert.StartsWith("0100007F:", local));
    }
}
