using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Platform extras that sit beside the Aspire template: problem details with stable codes, forwarded headers from
/// the gateway, request size limits, and JWT validation against signin's JWKS for internal and management APIs.
/// </summary>
public static class PlatformExtensions
{
    /// <summary>Largest request body any service accepts; identity payloads are small, so 1 MiB is generous.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static TBuilder AddPlatformDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The outbox dispatcher polls once a second: SQL text at Information would drown every other log line.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        builder.AddRedactedRequestLogging();
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddProblemDetails();
        // Minimal APIs answer malformed JSON with a bare 400 unless told to throw; the exception handler below turns
        // the exception into a problem with a stable code.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Services are never exposed: the gateway is the only public origin and sits on a private network, so its
            // headers are trusted wherever it runs (its address is not known in advance in Kubernetes).
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            o.ForwardLimit = 1;
        });
        return builder;
    }

    /// <summary>Forwarded headers first (so every later component sees the public URL), then problem details, then the hostile-input rule.</summary>
    public static WebApplication UsePlatformDefaults(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseRedactedRequestLogging();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteExceptionProblem,
            // Malformed client input is the client's error, answered with a 400 problem: not worth an Error log line.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages(async ctx =>
        {
            var response = ctx.HttpContext.Response;
            if (response.HasStarted || response.ContentLength > 0 || response.ContentType is not null) return;
            var (code, detail) = response.StatusCode switch
            {
                404 => ("request.not_found", "No endpoint matches this path."),
                405 => ("request.method_not_allowed", "This method is not allowed here."),
                401 => ("auth.unauthorized", "A valid access token is required."),
                403 => ("auth.forbidden", "The access token does not grant this operation."),
                413 => ("request.body_too_large", $"The request body exceeds {MaxRequestBodyBytes} bytes."),
                415 => ("request.unsupported_media_type", "Send the body as application/json."),
                _ => ("request.failed", null),
            };
            await PlatformProblems.Write(ctx.HttpContext, response.StatusCode, code, detail);
        });
        app.UseHostileInputGuard();
        app.MapEndpointCatalog();
        return app;
    }

    private static async Task WriteExceptionProblem(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        switch (error)
        {
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                await PlatformProblems.Write(context, 413, "request.body_too_large", $"The request body exceeds {MaxRequestBodyBytes} bytes.");
                return;
            case BadHttpRequestException bad:
                // The message names the parameter or says the JSON is malformed; it never contains secrets.
                await PlatformProblems.Write(context, bad.StatusCode, "guard.invalid_input", bad.Message);
                return;
            default:
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Errors")
                    .LogError(error, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
                await PlatformProblems.Write(context, 500, "internal_error", "An unexpected error occurred.");
                return;
        }
    }

    /// <summary>
    /// Validates JWT access tokens issued by signin locally, with keys from signin's JWKS reached through service
    /// discovery (<c>http://signin/oidc/jwks</c>), never through the public URL. Adds the <c>internal</c> policy
    /// (service-to-service calls) and the <c>management</c> policy (Management API).
    /// </summary>
    public static TBuilder AddPlatformJwtAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHttpClient(SigninJwksClientName, c => c.BaseAddress = new Uri(builder.Configuration.GetSigninInternalUrl()));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory, IConfiguration>((options, factory, configuration) =>
            {
                var issuer = configuration.GetIssuer();
                options.MapInboundClaims = false;
                options.RequireHttpsMetadata = false;
                options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    "oidc/jwks", new JwksOnlyRetriever(issuer), new FactoryDocumentRetriever(factory))
                {
                    AutomaticRefreshInterval = TimeSpan.FromHours(1),
                    RefreshInterval = TimeSpan.FromSeconds(30),
                };
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = issuer,
                    ValidateAudience = true,
                    ValidAudiences = [PlatformAudiences.Internal, PlatformAudiences.Management],
                    ValidTypes = ["at+jwt", "JWT"],
                    NameClaimType = "sub",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PlatformPolicies.Internal, p => p.RequireAuthenticatedUser()
                .RequireClaim("aud", PlatformAudiences.Internal).RequireAssertion(c => c.User.HasScope(PlatformScopes.Internal)))
            .AddPolicy(PlatformPolicies.Management, p => p.RequireAuthenticatedUser()
                .RequireClaim("aud", PlatformAudiences.Management).RequireAssertion(c => c.User.HasScope(PlatformScopes.ManagementAll)));
        return builder;
    }

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll("scope").Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>Public base URL of the platform (the gateway), e.g. <c>http://localhost:5055</c>.</summary>
    public static string GetPublicUrl(this IConfiguration configuration) =>
        (configuration["Platform:PublicUrl"] ?? "http://localhost:5055").TrimEnd('/');

    /// <summary>The OIDC issuer: the public URL plus <c>/oidc</c>, as Logto does.</summary>
    public static string GetIssuer(this IConfiguration configuration) => configuration.GetPublicUrl() + "/oidc";

    /// <summary>Where other services reach signin: a service-discovery name, resolved from <c>services__signin__http__0</c>.</summary>
    public static string GetSigninInternalUrl(this IConfiguration configuration) =>
        configuration["Platform:SigninInternalUrl"] ?? "http://signin";

    internal const string SigninJwksClientName = "signin-jwks";

    private sealed class FactoryDocumentRetriever(IHttpClientFactory factory) : IDocumentRetriever
    {
        public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            using var client = factory.CreateClient(SigninJwksClientName);
            return await client.GetStringAsync(address, cancel);
        }
    }

    /// <summary>Reads only the JWKS: the issuer is configuration, not something learned from the network.</summary>
    private sealed class JwksOnlyRetriever(string issuer) : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var json = await retriever.GetDocumentAsync(address, cancel);
            var configuration = new OpenIdConnectConfiguration { Issuer = issuer, JsonWebKeySet = new JsonWebKeySet(json) };
            foreach (var key in configuration.JsonWebKeySet.GetSigningKeys()) configuration.SigningKeys.Add(key);
            return configuration;
        }
    }
}

public static class PlatformPolicies
{
    public const string Internal = "internal";
    public const string Management = "management";
}

public static class PlatformAudiences
{
    /// <summary>Resource indicator of service-to-service calls to <c>/internal/*</c>.</summary>
    public const string Internal = "urn:auth-platform:internal";
    /// <summary>Resource indicator of the Management API; Logto's, so Logto's M2M recipes work unchanged.</summary>
    public const string Management = "https://default.logto.app/api";
}

public static class PlatformScopes
{
    public const string Internal = "internal";
    public const string ManagementAll = "all";
}

/// <summary>RFC 9457 problem details carrying a stable <c>code</c> (Logto's vocabulary) that UIs localise.</summary>
public static class PlatformProblems
{
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Create(int status, string code, string? detail = null, object? data = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code, ["message"] = detail ?? code };
        if (data is not null) extensions["data"] = data;
        return TypedResults.Problem(statusCode: status, title: code, detail: detail, type: "urn:auth-platform:error:" + code, extensions: extensions);
    }

    public static Task Write(HttpContext context, int status, string code, string? detail = null) =>
        Create(status, code, detail).ExecuteAsync(context);

    /// <summary>The wait in whole seconds (at least 1), also set as the <c>Retry-After</c> header.</summary>
    public static int RetryAfter(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>Logto's sentinel lock: 429 <c>session.verification_blocked_too_many_attempts</c> with the wait in
    /// <c>Retry-After</c> and <c>data.retryAfter</c>; <paramref name="what"/> names what was counted ("failed attempts").</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooManyAttempts(HttpContext http, TimeSpan wait, string what)
    {
        var seconds = RetryAfter(http, wait);
        return Create(429, "session.verification_blocked_too_many_attempts", $"Too many {what}; try again in {seconds} s.", new { retryAfter = seconds });
    }
}

/// <summary>Obtains a service token (audience <see cref="PlatformAudiences.Internal"/>) for calls to other services' <c>/internal/*</c>.</summary>
public interface IServiceTokenProvider
{
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>Attaches the service token to every request of a typed client that calls <c>/internal/*</c>.</summary>
public sealed class ServiceTokenHandler(IServiceTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new("Bearer", await tokens.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
