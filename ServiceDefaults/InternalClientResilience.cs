using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// How a service's clients of other services (signin's, account's) retry and when they stop calling. ServiceDefaults gives every client the
/// standard resilience handler, whose retry also repeats POSTs and sits out a 429's Retry-After while the user waits;
/// signin's calls are mostly not idempotent (a code sent, an attempt counted, a user created), so each client says
/// what may be retried. Timeouts and the circuit breaker stay, but count only what says the dependency is unwell.
/// </summary>
public static class InternalClientResilience
{
    /// <summary>Never retried (sending codes, verifying factors).</summary>
    public static IHttpClientBuilder WithoutRetries(this IHttpClientBuilder client) =>
        Replace(client, o => o.Retry.ShouldHandle = _ => ValueTask.FromResult(false));

    /// <summary>Reads retried, writes not.</summary>
    public static IHttpClientBuilder WithRetriedReadsOnly(this IHttpClientBuilder client) =>
        Replace(client, o =>
        {
            o.Retry.ShouldHandle = a => IsDependencyFailure(a.Outcome);
            o.Retry.DisableForUnsafeHttpMethods();
        });

    /// <summary>
    /// A timeout, a connection error or a 5xx. Any 4xx (the standard handler also counts 408 and 429) is an answer about
    /// the request: counting it would let one caller's bad input (or a rate limit meant for them) open the circuit and
    /// refuse every other user's sign-in.
    /// </summary>
    public static ValueTask<bool> IsDependencyFailure(Outcome<HttpResponseMessage> outcome) => ValueTask.FromResult(
        HttpClientResiliencePredicates.IsTransient(outcome) && outcome.Result is not { StatusCode: < System.Net.HttpStatusCode.InternalServerError });

    private static IHttpClientBuilder Replace(IHttpClientBuilder client, Action<HttpStandardResilienceOptions> configure)
    {
#pragma warning disable EXTEXP0001 // evaluation API; the only way to replace the handler ServiceDefaults adds to every client
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddStandardResilienceHandler(o =>
        {
            o.CircuitBreaker.ShouldHandle = a => IsDependencyFailure(a.Outcome);
            configure(o);
        });
        return client;
    }
}
