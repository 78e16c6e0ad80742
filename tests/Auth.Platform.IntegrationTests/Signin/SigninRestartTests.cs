using System.Net;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

// Restarts signin, which every other test needs: runs alone, after the parallel collections.
[CollectionDefinition(nameof(SigninRestartTests), DisableParallelization = true)]
public sealed class SigninRestartCollection;

/// <summary>Keys, sessions and refresh tokens live in signindb, so a restart of signin changes nothing for clients.</summary>
[Collection(nameof(SigninRestartTests))]
public sealed class SigninRestartTests(PlatformStackFixture fixture) : IDisposable
{
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Restart_KeepsAccessAndRefreshTokensValid()
    {
        const string redirect = "http://localhost:3000/callback";
        var app = await _client.CreateApplicationAsync("SPA", redirect);
        var clientId = app.GetProperty("id").GetString()!;
        var (verifier, challenge) = SigninClient.NewPkce();
        var code = await _client.RegisterAndGetCodeAsync(clientId, redirect, challenge, SigninClient.NewUsername());
        var tokens = await _client.RedeemAsync(clientId, code, redirect, verifier);
        var managementToken = await _client.ManagementTokenAsync();

        await fixture.Stack.StopResourceAsync("signin");
        await fixture.Stack.StartResourceAsync("signin");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/applications");
        request.Headers.Authorization = new("Bearer", managementToken);
        using var response = await _client.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var refreshed = await _client.RefreshAsync(clientId, tokens.GetProperty("refresh_token").GetString()!);
        Assert.True(refreshed.TryGetProperty("access_token", out _), refreshed.ToString());

        // The browser's sign-in session survives too: a new authorization request gets a code without signing in.
        using var again = await _client.GetAsync(SigninClient.AuthorizePath(clientId, redirect, SigninClient.NewPkce().Challenge));
        Assert.NotEmpty(SigninClient.CodeFrom(again, redirect));
    }
}
