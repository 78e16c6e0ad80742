using System.Collections.Concurrent;
using Auth.Platform.Signin.Applications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Accounts;

public sealed record AccountReadsResponse(string UserId, int Reads);

/// <summary>
/// Development only: how many times signin read a user from account (<c>GET /internal/users/{id}</c>), so a test can prove
/// that a sign-in reads its user once. Counted on the wire by a handler on <see cref="AccountClient"/> (a retried read counts twice).
/// </summary>
public sealed class AccountReadCounter
{
    /// <summary>A development process runs a few thousand sign-ins at most; past that the counts start over rather than grow.</summary>
    private const int MaxUsers = 10_000;
    private readonly ConcurrentDictionary<string, int> _reads = new();

    public int ReadsOf(string userId) => _reads.GetValueOrDefault(userId);

    internal void Count(string userId)
    {
        if (_reads.Count >= MaxUsers) _reads.Clear();
        _reads.AddOrUpdate(userId, 1, (_, n) => n + 1);
    }

    /// <summary>Counts each read of one user that leaves for account.</summary>
    public sealed class Handler(AccountReadCounter counter) : DelegatingHandler
    {
        private const string Prefix = "/internal/users/";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // /internal/users/{id}, not /lookup, /verify-password or /{id}/something.
            if (request.Method == HttpMethod.Get && request.RequestUri?.AbsolutePath is { } path && path.StartsWith(Prefix, StringComparison.Ordinal)
                && path[Prefix.Length..] is { Length: > 0 } rest && !rest.Contains('/') && rest != "lookup")
                counter.Count(Uri.UnescapeDataString(rest));
            return base.SendAsync(request, cancellationToken);
        }
    }
}

public static class AccountReadCounterExtensions
{
    /// <summary>Registers the counter and its handler in Development; elsewhere nothing is counted.</summary>
    public static IHttpClientBuilder CountingReadsInDevelopment(this IHttpClientBuilder client, IHostEnvironment environment)
    {
        if (!environment.IsDevelopment()) return client;
        client.Services.AddSingleton<AccountReadCounter>();
        client.Services.AddTransient<AccountReadCounter.Handler>();
        return client.AddHttpMessageHandler<AccountReadCounter.Handler>();
    }

    /// <summary><c>GET /internal/diagnostics/account-reads/{userId}</c> (management token; Development only, not routed by the gateway).</summary>
    public static IEndpointRouteBuilder MapAccountReadCounter(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment()) return app;
        app.MapGet("/internal/diagnostics/account-reads/{userId}", (string userId, AccountReadCounter counter) =>
                TypedResults.Ok(new AccountReadsResponse(userId, counter.ReadsOf(userId))))
            .RequireAuthorization(ApplicationsApi.ManagementPolicy).ExcludeFromDescription();
        return app;
    }
}
