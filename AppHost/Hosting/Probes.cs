using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Auth.Platform.AppHost.Hosting;

/// <summary>Readiness checks that talk each resource's own protocol: an open port is not a ready server.</summary>
internal static class Probes
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public static async Task<bool> PostgresAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3, Pooling = false }.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            return (int)(await command.ExecuteScalarAsync(ct))! == 1;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or IOException)
        {
            return false;
        }
    }

    public static async Task<bool> RedisAsync(string connectionString, CancellationToken ct)
    {
        var reply = await ExchangeAsync(connectionString.Split(',')[0], "PING\r\n"u8.ToArray(), 7, ct);
        // NOAUTH also proves a live server: a user-supplied Redis may require a password the probe does not send.
        return reply is not null && Encoding.ASCII.GetString(reply) is var text && (text.StartsWith("+PONG", StringComparison.Ordinal) || text.StartsWith("-NOAUTH", StringComparison.Ordinal));
    }

    /// <summary>AMQP 0-9-1 protocol header; a booted broker answers with a Connection.Start method frame.</summary>
    public static async Task<bool> RabbitMQAsync(string connectionString, CancellationToken ct)
    {
        var uri = new Uri(connectionString);
        var reply = await ExchangeAsync($"{uri.Host}:{(uri.Port > 0 ? uri.Port : 5672)}", "AMQP\0\0\x09\x01"u8.ToArray(), 7, ct);
        return reply is [1, 0, 0, ..];
    }

    public static Task<bool> HttpHealthAsync(string baseUrl, CancellationToken ct) => HttpOkAsync(new Uri(new Uri(baseUrl), "/health").ToString(), ct);

    public static async Task<bool> HttpOkAsync(string url, CancellationToken ct)
    {
        try
        {
            using var response = await Http.GetAsync(url, ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<byte[]?> ExchangeAsync(string hostPort, byte[] request, int replyLength, CancellationToken ct)
    {
        var separator = hostPort.LastIndexOf(':');
        var host = separator > 0 ? hostPort[..separator] : hostPort;
        var port = separator > 0 ? int.Parse(hostPort[(separator + 1)..]) : 6379;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(request, timeout.Token);
            var buffer = new byte[replyLength];
            await stream.ReadExactlyAsync(buffer, timeout.Token);
            return buffer;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
