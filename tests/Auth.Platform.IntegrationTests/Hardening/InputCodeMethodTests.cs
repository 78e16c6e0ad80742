using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Hardening;

/// <summary>
/// Issue 10 pt 4: with email sign-in by password only and username sign-up, a code for an email is refused for SignIn
/// (<c>user.sign_in_method_not_enabled</c>) and Register (<c>user.sign_up_method_not_enabled</c>), and nothing is sent.
/// Shares the sign-in experience collection: it changes the global settings.
/// </summary>
[Collection(nameof(SignInExperienceTests))]
public sealed class InputCodeMethodTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Callback = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await PatchSignInAsync(emailByCode: false);

    public async ValueTask DisposeAsync()
    {
        await PatchSignInAsync(emailByCode: false, emailMethod: false);
        _client.Dispose();
    }

    [Theory]
    [InlineData("SignIn", "user.sign_in_method_not_enabled")]
    [InlineData("Register", "user.sign_up_method_not_enabled")]
    public async Task VerificationCode_ForAnIdentifierTheEventDoesNotOffer_Returns422_AndSendsNothing(string interactionEvent, string code)
    {
        var clientId = (await _client.CreateApplicationAsync("SPA", Callback)).GetProperty("id").GetString()!;
        using (await _client.GetAsync(SigninClient.AuthorizePath(clientId, Callback, SigninClient.NewPkce().Challenge))) { }
        using (var put = await _client.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent })) Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var address = $"{SigninClient.NewUsername()}@example.com";

        using var response = await _client.ExperienceAsync(HttpMethod.Post, "/verification/verification-code",
            new { identifier = new { type = "email", value = address }, interactionEvent });

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        // The refusal comes before notification is called: no code record exists, so no delivery can follow.
        var interaction = await _client.Http.GetFromJsonAsync<JsonElement>("/api/experience/interaction", Ct);
        Assert.Empty(interaction.GetProperty("verificationRecords").EnumerateArray());
        Assert.Empty(await fixture.Stack.MailToAsync(address, Ct));
    }

    /// <summary>Email sign-in by password (not by code) and username sign-up; <paramref name="emailMethod"/> false restores the defaults.</summary>
    private async Task PatchSignInAsync(bool emailByCode, bool emailMethod = true)
    {
        var methods = new List<object> { new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true } };
        if (emailMethod) methods.Add(new { identifier = "email", password = true, verificationCode = emailByCode, isPasswordPrimary = true });
        using var response = await _client.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new
        {
            signUp = new { identifiers = new[] { "username" }, password = true, verify = false, secondaryIdentifiers = Array.Empty<object>() },
            signIn = new { methods },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
