using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one rule for hostile text. Every service stores text in PostgreSQL (which refuses NUL) and writes it as UTF-8
/// (which cannot carry a lone surrogate): such text is the caller's error and must become a 400, not a database
/// exception turned into a 500 (or, through a caller's resilience pipeline, an outage for everyone).
/// </summary>
public static class HostileText
{
    /// <summary>Longest identifier (username, email, phone) any service accepts from a caller.</summary>
    public const int MaxIdentifierLength = 256;

    /// <summary>No NUL and no lone surrogate: text that a database column and a UTF-8 encoder accept.</summary>
    public static bool IsStorable(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0' || char.IsLowSurrogate(c)) return false;
            if (!char.IsHighSurrogate(c)) continue;
            if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return false;
            i++;
        }
        return true;
    }

    /// <summary>
    /// An identifier as typed by a person: storable, not empty, at most <paramref name="maxLength"/> characters, and no
    /// control or bidirectional-override character (they make one address look like another in a UI or a log).
    /// </summary>
    public static bool IsIdentifier([NotNullWhen(true)] string? value, int maxLength = MaxIdentifierLength)
    {
        if (value is not { Length: > 0 } || value.Length > maxLength || !IsStorable(value)) return false;
        foreach (var c in value)
            if (char.IsControl(c) || IsBidiControl(c)) return false;
        return true;
    }

    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}

public sealed class HostileInputOptions
{
    /// <summary>Off where requests are only passed on (the gateway): the service behind it applies the rule.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Paths that answer in OAuth's shape (RFC 6749 §5.2: <c>{"error":"invalid_request"}</c>) instead of a problem
    /// document: signin's <c>/oidc</c> endpoints.
    /// </summary>
    public List<PathString> OAuthPathPrefixes { get; } = [];

    /// <summary>Deeper JSON than this is refused; identity payloads are a few levels deep.</summary>
    public int MaxJsonDepth { get; set; } = 32;
}

/// <summary>
/// Applies <see cref="HostileText"/> to the path, the query, form fields and every JSON body before any endpoint (or
/// OpenIddict) runs, so no handler (typed record, <see cref="JsonElement"/>, <c>JsonNode</c>, OAuth parameters) meets
/// NUL, a lone surrogate, a duplicate key or unbounded nesting: 400 <c>guard.invalid_input</c> (Logto's code) with a
/// problem body, or OAuth's <c>invalid_request</c> on <see cref="HostileInputOptions.OAuthPathPrefixes"/>.
/// </summary>
public static class HostileInputGuard
{
    public static IApplicationBuilder UseHostileInputGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var options = context.RequestServices.GetRequiredService<IOptions<HostileInputOptions>>().Value;
        if (!options.Enabled)
        {
            await next(context);
            return;
        }
        var violation = Violation(context.Request)
            ?? await FormViolationAsync(context.Request)
            ?? await JsonBodyViolationAsync(context.Request, options.MaxJsonDepth);
        if (violation is null)
        {
            await next(context);
            return;
        }
        if (options.OAuthPathPrefixes.Any(p => context.Request.Path.StartsWithSegments(p)))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "invalid_request", ["error_description"] = violation });
            return;
        }
        await PlatformProblems.Write(context, StatusCodes.Status400BadRequest, "guard.invalid_input", violation);
    });

    /// <summary>ASP.NET's form reader itself throws on a NUL (<see cref="InvalidDataException"/>): read it here, once.</summary>
    private static async Task<string?> FormViolationAsync(HttpRequest request)
    {
        if (!request.HasFormContentType) return null;
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return "A form field contains a NUL or an invalid character.";
        }
        foreach (var (name, values) in form)
        {
            if (!HostileText.IsStorable(name)) return "A form field name contains a NUL or an invalid character.";
            foreach (var value in values)
                if (!HostileText.IsStorable(value)) return $"The form field '{name}' contains a NUL or an invalid character.";
        }
        return null;
    }

    private static string? Violation(HttpRequest request)
    {
        if (!HostileText.IsStorable(request.Path.Value)) return "The path contains a NUL or an invalid character.";
        foreach (var (name, values) in request.Query)
        {
            if (!HostileText.IsStorable(name)) return "A query parameter name contains a NUL or an invalid character.";
            foreach (var value in values)
                if (!HostileText.IsStorable(value)) return $"The query parameter '{name}' contains a NUL or an invalid character.";
        }
        return null;
    }

    private static async Task<string?> JsonBodyViolationAsync(HttpRequest request, int maxDepth)
    {
        if (!request.HasJsonContentType() || request.ContentLength == 0) return null;
        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: PlatformExtensions.MaxRequestBodyBytes);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return buffer.Length == 0 ? null : JsonViolation(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), maxDepth);
    }

    /// <summary>Why a JSON document breaks the rule (malformed, too deep, duplicate key, NUL or lone surrogate), or null.</summary>
    public static string? JsonViolation(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        // One set of seen property names per open object; arrays push null.
        var objects = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (objects.Count >= maxDepth) return $"The JSON body is nested deeper than {maxDepth} levels.";
                        objects.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        objects.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!HostileText.IsStorable(name)) return "A property name contains a NUL or a lone surrogate.";
                        if (objects.Peek() is { } seen && !seen.Add(name)) return $"The property '{name}' appears twice in one object.";
                        break;
                    case JsonTokenType.String:
                        if (!HostileText.IsStorable(reader.GetString())) return "A string contains a NUL or a lone surrogate.";
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return "The body is not valid JSON.";
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.GetString refuses invalid UTF-8 and escaped lone surrogates.
            return "A string contains a NUL or a lone surrogate.";
        }
        return null;
    }
}

/// <summary>
/// Development only: <c>GET /internal/dev/endpoints</c> lists this service's routes from its endpoint data sources, so
/// the hostile-input suite covers every route by construction (a new route joins its table without a hand list).
/// <c>/internal/*</c> is never routed by the gateway.
/// </summary>
public static class EndpointCatalog
{
    public const string Path = "/internal/dev/endpoints";

    public sealed record Entry(string Method, string Route);

    public static WebApplication MapEndpointCatalog(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) return app;
        app.MapGet(Path, (Microsoft.AspNetCore.Routing.EndpointDataSource endpoints) => endpoints.Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => new Entry(m, "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))))
            .Distinct()
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList());
        return app;
    }
}
