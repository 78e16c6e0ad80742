using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using Npgsql;

namespace Auth.Platform.IntegrationTests.Sessions;

/// <summary>
/// notification delivers each logout token once to a receiver that acknowledged it, even when the event arrives again:
/// the same MessageId (at-least-once redelivery, F4) or a republish under a new MessageId with the same DeliveryId.
/// </summary>
public sealed class BackChannelDeliveryTests(PlatformStackFixture fixture) : IDisposable
{
    private const string RedirectUri = "http://localhost:3000/callback";
    private const string PostLogoutUri = "http://localhost:3000/signed-out";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task LogoutEventDeliveredAgain_WithSameOrNewMessageId_IsPostedOnlyOnceToAnAcknowledgingReceiver()
    {
        using var receiver = new CountingReceiver();
        var clientId = await CreateApplicationAsync(receiver.Uri);
        var (verifier, challenge) = SigninClient.NewPkce();
        var code = await _client.RegisterAndGetCodeAsync(clientId, RedirectUri, challenge, SigninClient.NewUsername());
        var idToken = (await _client.RedeemAsync(clientId, code, RedirectUri, verifier)).GetProperty("id_token").GetString()!;
        using (var logout = await _client.GetAsync($"/oidc/session/end?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}"))
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        await EventuallyAsync(() => Task.FromResult(receiver.Count == 1), "first delivery");
        var form = Assert.Single(receiver.Bodies);
        Assert.StartsWith("logout_token=", form);
        var eventId = (await EventuallyAsync(() => ScalarAsync<Guid?>("signindb",
            "SELECT id FROM outbox_messages WHERE type LIKE '%BackChannelLogoutRequested' AND payload->>'clientId' = @p AND dispatched_at IS NOT NULL", clientId),
            "outbox row dispatched"))!.Value;

        // The same message again, then a copy with a new MessageId carrying the same DeliveryId.
        var copy = Guid.CreateVersion7();
        await ExecuteAsync("signindb", "UPDATE outbox_messages SET dispatched_at = NULL, available_at = now() WHERE id = @p", eventId);
        await ExecuteAsync("signindb", "INSERT INTO outbox_messages (id, type, payload, created_at, available_at, attempts) " +
            "SELECT @c, type, payload, now(), now(), 0 FROM outbox_messages WHERE id = @p", eventId, copy);
        await EventuallyAsync(async () => await ScalarAsync<long?>("notificationdb",
            "SELECT count(*) FROM inbox_messages WHERE message_id = @p", copy) == 1 ? true : (bool?)null, "copy consumed");

        Assert.Equal(1, await ScalarAsync<long?>("notificationdb", "SELECT count(*) FROM inbox_messages WHERE message_id = @p", eventId));
        Assert.Equal(1, await ScalarAsync<long?>("notificationdb", "SELECT count(*) FROM backchannel_logout_deliveries WHERE client_id = @p", clientId));
        // Positive signal instead of a pause: a later logout (another session, same client) travels the same path; once it
        // has arrived, a re-delivery of the first would have arrived too.
        var (laterVerifier, laterChallenge) = SigninClient.NewPkce();
        var laterCode = await _client.RegisterAndGetCodeAsync(clientId, RedirectUri, laterChallenge, SigninClient.NewUsername());
        var laterIdToken = (await _client.RedeemAsync(clientId, laterCode, RedirectUri, laterVerifier)).GetProperty("id_token").GetString()!;
        using (var logout = await _client.GetAsync($"/oidc/session/end?id_token_hint={laterIdToken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}"))
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        await EventuallyAsync(() => Task.FromResult(receiver.Count >= 2), "the later logout");
        Assert.Equal(2, receiver.Count);
    }

    private async Task<string> CreateApplicationAsync(string backchannelLogoutUri)
    {
        using var created = await _client.ManagementAsync(HttpMethod.Post, "/api/applications", new
        {
            name = "delivery test", type = "SPA",
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri }, postLogoutRedirectUris = new[] { PostLogoutUri }, backchannelLogoutUri },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await probe();
            if (value is not null && !(value is bool b && !b)) return value;
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(200, Ct);
        }
    }

    private async Task<T?> ScalarAsync<T>(string database, string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(fixture.Stack.ConnectionString(database));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", parameter);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is null or DBNull ? default : (T)value;
    }

    private async Task ExecuteAsync(string database, string sql, Guid id, Guid? copy = null)
    {
        await using var connection = new NpgsqlConnection(fixture.Stack.ConnectionString(database));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", id);
        if (copy is { } c) command.Parameters.AddWithValue("c", c);
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>A loopback HTTP receiver that answers 200 and counts what it got.</summary>
    private sealed class CountingReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<string> _bodies = [];

        public CountingReceiver()
        {
            var port = FreePort();
            Uri = $"http://127.0.0.1:{port}/bcl";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Uri { get; }
        public int Count { get { lock (_bodies) return _bodies.Count; } }
        public List<string> Bodies { get { lock (_bodies) return [.. _bodies]; } }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var body = await reader.ReadToEndAsync();
                    lock (_bodies) _bodies.Add(body);
                }
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
