using Auth.Platform.Signin.Applications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Auth.Platform.Signin.Organizations;

public sealed record ApplicationsByIdsRequest(string[]? Ids);

/// <summary>
/// What organization needs to know about applications (machine-to-machine members): several applications in one call,
/// as Logto's application objects without secrets. For service tokens only; never routed by the gateway.
/// </summary>
public static class InternalApplicationsApi
{
    public const int MaxIds = 100;

    /// <summary>signin validates service tokens itself (it is the issuer), like Management API tokens.</summary>
    private static readonly AuthorizationPolicy InternalPolicy = new AuthorizationPolicyBuilder(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser()
        .RequireAssertion(c => OpenIddict.Abstractions.OpenIddictExtensions.HasAudience(c.User, PlatformAudiences.Internal) && OpenIddict.Abstractions.OpenIddictExtensions.HasScope(c.User, PlatformScopes.Internal))
        .Build();

    public static IEndpointRouteBuilder MapInternalApplicationsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/applications/batch", Batch).RequireAuthorization(InternalPolicy).WithTags("Internal: applications");
        return app;
    }

    /// <summary>The applications among <c>ids</c> that exist (unknown ids left out).</summary>
    private static async Task<Results<Ok<List<ApplicationResponse>>, ProblemHttpResult>> Batch(ApplicationsByIdsRequest request, IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        if (request.Ids is not { Length: <= MaxIds } ids || ids.Any(id => string.IsNullOrWhiteSpace(id) || id.Length > 256))
            return PlatformProblems.Create(400, "guard.invalid_input", $"ids must be 0 to {MaxIds} non-empty strings.");
        var found = new List<ApplicationResponse>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (await manager.FindByClientIdAsync(id, ct) is not { } application) continue;
            var descriptor = new OpenIddictApplicationDescriptor();
            await manager.PopulateAsync(descriptor, application, ct);
            found.Add(ApplicationDescriptors.ToResponse(descriptor, null));
        }
        return TypedResults.Ok(found);
    }
}
