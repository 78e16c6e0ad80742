using System.Net;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Account;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Hardening;

/// <summary>
/// Issue 10 pt 12, on a stack started as Production (no development SMS inbox, no SMS gateway configured): while the
/// sign-in experience sends no SMS, notification is ready; once it enables phone sign-in by code, a phone code answers
/// 503 <c>connector.not_found</c> instead of a 201 that sends nothing, and notification reports itself not ready.
/// </summary>
public sealed class InputProductionDeliveryTests : IAsyncLifetime
{
    private const string Callback = "http://localhost:3000/callback";
    private PlatformStack _stack = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _stack = await PlatformStack.StartAsync(new PlatformStackOptions { Environment = "Production" }, Ct);

    public async ValueTask DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task PhoneCodesWithoutAnSmsGateway_Answer503ConnectorNotFound_AndNotificationIsNotReady()
    {
        using var health = new HttpClient { BaseAddress = _stack.ServiceUrl("notification") };
        // The positive signal first: with the default (username and password) experience nothing needs an SMS gateway.
        using (var ready = await health.GetAsync("/health", Ct)) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        using var client = new SigninClient(_stack.GatewayUrl, _stack.ManagementClient);
        using (var patch = await client.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new
        {
            signUp = new { identifiers = new[] { "username" }, password = true, verify = false, secondaryIdentifiers = Array.Empty<object>() },
            signIn = new
            {
                methods = new object[]
                {
                    new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true },
                    new { identifier = "phone", password = false, verificationCode = true, isPasswordPrimary = false },
                },
            },
        })) Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        var clientId = (await client.CreateApplicationAsync("SPA", Callback)).GetProperty("id").GetString()!;
        using (await client.GetAsync(SigninClient.AuthorizePath(clientId, Callback, SigninClient.NewPkce().Challenge))) { }
        using (var put = await client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "SignIn" })) Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using var code = await client.ExperienceAsync(HttpMethod.Post, "/verification/verification-code",
            new { identifier = new { type = "phone", value = PlatformApi.UniquePhone() }, interactionEvent = "SignIn" });

        var text = await code.Content.ReadAsStringAsync(Ct);
        Assert.True(code.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)code.StatusCode}: {text}");
        Assert.Equal("connector.not_found", JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        using (var unready = await health.GetAsync("/health", Ct)) Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
    }
}
