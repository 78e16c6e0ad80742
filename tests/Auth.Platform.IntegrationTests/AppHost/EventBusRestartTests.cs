using System.Net.Sockets;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.AppHost;

/// <summary>Runs alone: other tests publish through the broker this one takes down.</summary>
[CollectionDefinition(nameof(EventBusRestartTests), DisableParallelization = true)]
public sealed class EventBusRestartCollection;

[Collection(nameof(EventBusRestartTests))]
public sealed class EventBusRestartTests(PlatformStackFixture fixture)
{
    [Fact]
    public async Task Eventbus_StoppedThenStarted_AcceptsAmqpAgainOnTheSamePort()
    {
        var stack = fixture.Stack;
        var before = stack.ConnectionString("eventbus");
        var uri = new Uri(before);

        await stack.StopResourceAsync("eventbus");
        Assert.False(await AmqpHandshakeAsync(uri), "the broker still answers after StopResourceAsync");

        await stack.StartResourceAsync("eventbus");
        Assert.Equal(before, stack.ConnectionString("eventbus"));
        Assert.True(await AmqpHandshakeAsync(uri), "the broker does not answer after StartResourceAsync");
    }

    /// <summary>AMQP 0-9-1 protocol header; a ready broker answers with a Connection.Start method frame.</summary>
    private static async Task<bool> AmqpHandshakeAsync(Uri uri)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var client = new TcpClient();
            await client.ConnectAsync(uri.Host, uri.Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("AMQP\0\0\x09\x01"u8.ToArray(), timeout.Token);
            var frame = new byte[7];
            await stream.ReadExactlyAsync(frame, timeout.Token);
            return frame[0] == 1;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
