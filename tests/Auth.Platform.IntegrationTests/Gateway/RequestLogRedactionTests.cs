using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Gateway;

/// <summary>
/// Issue 10 pt 9: secrets sent in query strings never reach a log. Real secrets go through the gateway to signin, then the
/// captured resource logs (the stack's <c>logs/NAME.log</c>) are searched for them, once a later marker request shows the
/// lines of these requests were written.
/// </summary>
public sealed class RequestLogRedactionTests(PlatformStackFixture fixture) : IDisposable
{
    private const string Redirect = "http://localhost:3000/callback";
    private static readonly string[] Logs = ["gateway", "signin"];
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task QuerySecrets_AccessTokenIdTokenHintAndClientSecret_AppearInNoRequestLog_ButTheirNamesDo()
    {
        var (clientId, secret, tokens) = await _client.SignInWithConfidentialClientAsync(Redirect);
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var idToken = tokens.GetProperty("id_token").GetString()!;

        using (var userInfo = await _client.GetAsync("/oidc/me?access_token=" + accessToken)) { }
        using (var authorize = await _client.GetAsync(SigninClient.AuthorizePath(clientId, Redirect, SigninClient.NewPkce().Challenge, scope: "openid",
                   extra: "&id_token_hint=" + idToken))) { }
        using (var secretInGet = await _client.GetAsync($"/oidc/token?grant_type=client_credentials&client_id={clientId}&client_secret={secret}")) { }

        // Positive signal: a later request, whose marker is a parameter *name* (names are kept), is in both logs.
        var marker = "flush_" + Guid.NewGuid().ToString("N");
        using (var flush = await _client.GetAsync($"/oidc/me?{marker}=1")) { }
        var logs = await WaitForAsync(marker);

        foreach (var (name, text) in logs)
        {
            Assert.False(text.Contains(accessToken, StringComparison.Ordinal), $"{name}.log holds the access token");
            Assert.False(text.Contains(idToken, StringComparison.Ordinal), $"{name}.log holds the id_token_hint");
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{name}.log holds the client secret");
            // The requests were logged, with their parameter names.
            Assert.Contains("access_token=[redacted]", text);
            Assert.Contains("id_token_hint=[redacted]", text);
            Assert.Contains("client_secret=[redacted]", text);
        }
    }

    private async Task<List<(string Name, string Text)>> WaitForAsync(string marker)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var logs = Logs.Select(name => (name, Read(name))).ToList();
            if (logs.All(l => l.Item2.Contains(marker, StringComparison.Ordinal))) return logs;
            await Task.Delay(100, timeout.Token);
        }
    }

    private string Read(string resource)
    {
        var path = Path.Combine(fixture.Stack.DataDirectory, "logs", resource + ".log");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }
}
