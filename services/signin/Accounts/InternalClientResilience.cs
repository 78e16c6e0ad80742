using Microsoft.Extensions.Http.Resilience;

namespace Auth.Platform.Signin.Accounts;

/// <summary>
/// How signin's clients of other services retry. ServiceDefaults gives every client the standard resilience handler,
/// whose retry also repeats POSTs and sits out a 429's Retry-After while the user waits; signin's calls are mostly
/// not idempotent (a code sent, an attempt counted, a user created), so each client says what may be retried.
/// Timeouts and the circuit breaker stay.
/// </summary>
public static class InternalClientResilience
{
    /// <summary>Never retried (sending codes, verifying factors).</summary>
    public static IHttpClientBuilder WithoutRetries(this IHttpClientBuilder client) =>
        Replace(client, o => o.Retry.ShouldHandle = _ => ValueTask.FromResult(false));

    /// <summary>Reads retried, writes not.</summary>
    public static IHttpClientBuilder WithRetriedReadsOnly(this IHttpClientBuilder client) =>
        Replace(client, o => o.Retry.DisableForUnsafeHttpMethods());

    private static IHttpClientBuilder Replace(IHttpClientBuilder client, Action<HttpStandardResilienceOptions> configure)
    {
#pragma warning disable EXTEXP0001 // evaluation API; the only way to replace the handler ServiceDefaults adds to every client
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddStandardResilienceHandler(configure);
        return client;
    }
}
