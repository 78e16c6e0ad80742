using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Auth.Platform.Gateway.Limits;

/// <summary>
/// One body limit for the whole platform, enforced at the edge (<see cref="PlatformExtensions.MaxRequestBodyBytes"/>;
/// services keep the same Kestrel limit as defence in depth). A declared length over it is answered at once, before
/// anything is proxied; a chunked body that grows past it is cut by Kestrel while YARP streams it, and that forwarding
/// error is the client's (413), not a service being down (502).
/// </summary>
public static class RequestBodyLimit
{
    public const string Code = "request.body_too_large";

    /// <summary>Bodies up to this size are read and discarded before the 413; larger ones get it on a closing connection.</summary>
    public const long MaxDiscardedBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan DiscardTimeout = TimeSpan.FromSeconds(10);

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use((context, next) =>
        context.Request.ContentLength is > PlatformExtensions.MaxRequestBodyBytes ? RefuseAsync(context) : next(context));

    private static async Task RefuseAsync(HttpContext context)
    {
        // Most clients send the whole body before reading an answer: closing on them mid-upload is a reset connection,
        // not a 413. So a moderately large body is read (bounded in size and time) and dropped; beyond that, close.
        if (context.Request.ContentLength <= MaxDiscardedBytes && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxDiscardedBytes;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(DiscardTimeout);
            try
            {
                await context.Request.Body.CopyToAsync(Stream.Null, deadline.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
            {
                context.Abort();
                return;
            }
        }
        else
        {
            context.Response.Headers.Connection = "close";
        }
        await WriteAsync(context);
    }

    /// <summary>Whether a forwarding error is Kestrel refusing the client's body for its size.</summary>
    public static bool IsBodyTooLarge(IForwarderErrorFeature error) =>
        error.Error is ForwarderError.RequestBodyClient or ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
        && Causes(error.Exception).Any(e => e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge });

    public static Task WriteAsync(HttpContext context) =>
        PlatformProblems.Write(context, StatusCodes.Status413PayloadTooLarge, Code, $"The request body exceeds {PlatformExtensions.MaxRequestBodyBytes} bytes.");

    private static IEnumerable<Exception> Causes(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException) yield return e;
    }
}
