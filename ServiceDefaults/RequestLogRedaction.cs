using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// One request log line per request whose query keeps its parameter names but not their values (issue 10 pt 9): OAuth
/// puts secrets in query strings (<c>access_token</c>, <c>id_token_hint</c>, a client's <c>client_secret</c> sent by
/// mistake). ASP.NET Core's own "Request starting/finished" lines and YARP's "Proxying to" line print the whole URL, so
/// they are lowered to Warning (they have nothing to say there) and HTTP logging, with the query redacted, replaces them.
/// </summary>
public static class RequestLogRedaction
{
    public const string RedactedValue = "[redacted]";

    /// <summary>Categories that log a request's full URL at Information.</summary>
    private static readonly string[] FullUrlCategories =
        ["Microsoft.AspNetCore.Hosting.Diagnostics", "Yarp.ReverseProxy.Forwarder.HttpForwarder"];

    public static TBuilder AddRedactedRequestLogging<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        foreach (var category in FullUrlCategories) builder.Logging.AddFilter(category, LogLevel.Warning);
        builder.Services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.RequestQuery
                | HttpLoggingFields.RequestProtocol | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        builder.Services.AddHttpLoggingInterceptor<QueryValueRedactor>();
        return builder;
    }

    public static IApplicationBuilder UseRedactedRequestLogging(this IApplicationBuilder app) => app.UseHttpLogging();

    /// <summary><c>?a=1&amp;b&amp;c=</c> → <c>?a=[redacted]&amp;b&amp;c=</c>: names stay (they say what was sent), values go.</summary>
    public static string RedactQueryValues(string query)
    {
        if (string.IsNullOrEmpty(query)) return query;
        var body = query.StartsWith('?') ? query[1..] : query;
        var parts = body.Split('&').Select(part => part.IndexOf('=') is var equals and >= 0 && equals < part.Length - 1
            ? part[..(equals + 1)] + RedactedValue
            : part);
        return (query.StartsWith('?') ? "?" : "") + string.Join('&', parts);
    }

    private sealed class QueryValueRedactor : IHttpLoggingInterceptor
    {
        public ValueTask OnRequestAsync(HttpLoggingInterceptorContext logContext)
        {
            var request = logContext.HttpContext.Request;
            // Probes hit these every few seconds; a line each would bury the requests people look for.
            if (request.Path.StartsWithSegments("/health") || request.Path.StartsWithSegments("/alive"))
            {
                logContext.LoggingFields = HttpLoggingFields.None;
                return default;
            }
            if (logContext.TryDisable(HttpLoggingFields.RequestQuery) && request.QueryString.HasValue)
                logContext.AddParameter("QueryString", RedactQueryValues(request.QueryString.Value!));
            return default;
        }

        public ValueTask OnResponseAsync(HttpLoggingInterceptorContext logContext) => default;
    }
}
