using System.Text.Json;
using Auth.Platform.Mfa.WebAuthn;

namespace Auth.Platform.UnitTests.Mfa;

/// <summary>Runs a ceremony against options carrying a known challenge, as the mfa service does with the options it stored.</summary>
internal static class WebAuthnCeremonyRunner
{
    public static Task<VerifiedRegistration> RegisterAsync(this WebAuthnCeremonies ceremonies, JsonElement response, byte[] challenge)
    {
        var options = ceremonies.RegistrationOptions("user", "user", "User", []);
        options.Challenge = challenge;
        return ceremonies.VerifyRegistrationAsync(response, options, (_, _) => Task.FromResult(true), CancellationToken.None);
    }

    public static Task<VerifiedAssertion> AuthenticateAsync(this WebAuthnCeremonies ceremonies, JsonElement response, byte[] challenge,
        StoredCredential stored, bool discoverable)
    {
        var options = ceremonies.AuthenticationOptions(discoverable ? [] : [new KnownCredential(stored.CredentialId, null)]);
        options.Challenge = challenge;
        return ceremonies.VerifyAuthenticationAsync(response, options, stored, discoverable, CancellationToken.None);
    }

    public static async Task<string> RefusalAsync(Func<Task> ceremony) => (await Xunit.Assert.ThrowsAsync<WebAuthnException>(ceremony)).Reason;
}
