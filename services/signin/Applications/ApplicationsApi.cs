using System.Text.Json;
using Auth.Platform.Signin.Oidc;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Auth.Platform.Signin.Applications;

/// <summary><c>backchannelLogoutUri</c>: a string sets it, <c>""</c> removes it, absent leaves it unchanged.</summary>
public sealed record OidcClientMetadataBody(List<string>? RedirectUris, List<string>? PostLogoutRedirectUris,
    string? BackchannelLogoutUri = null, bool? BackchannelLogoutSessionRequired = null);
/// <summary>Logto's <c>customClientMetadata</c>; only <c>allowTokenExchange</c> is honoured so far.</summary>
public sealed record CustomClientMetadataBody(bool? AllowTokenExchange);
public sealed record CreateApplicationBody(string? Name, string? Type, string? Description, bool? IsThirdParty, OidcClientMetadataBody? OidcClientMetadata,
    CustomClientMetadataBody? CustomClientMetadata = null);
public sealed record PatchApplicationBody(string? Name, string? Description, bool? IsThirdParty, OidcClientMetadataBody? OidcClientMetadata,
    CustomClientMetadataBody? CustomClientMetadata = null);

/// <summary>Management API for applications (Logto's shape): client_id is the application id.</summary>
public static class ApplicationsApi
{
    public const string ManagementPolicy = "management-local";

    public static IEndpointRouteBuilder MapApplicationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/applications").WithTags("Applications").RequireAuthorization(ManagementPolicy);
        group.MapPost("", Create);
        group.MapGet("", List);
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Patch);
        group.MapDelete("/{id}", Delete);
        group.MapUserConsentScopes();
        return app;
    }

    /// <summary>signin validates Management API tokens itself (it is the issuer) through OpenIddict validation's local server mode.</summary>
    public static IHostApplicationBuilder AddApplicationsApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        builder.Services.AddAuthorizationBuilder().AddPolicy(ManagementPolicy, p => p
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => OpenIddict.Abstractions.OpenIddictExtensions.HasAudience(c.User, PlatformAudiences.Management)
                && OpenIddict.Abstractions.OpenIddictExtensions.HasScope(c.User, PlatformScopes.ManagementAll)));
        builder.Services.AddHostedService<ApplicationSeeder>();
        return builder;
    }

    private static ProblemHttpResult NotFound(string id) => PlatformProblems.Create(404, "entity.not_exists_with_id", $"No application with id {id}.");
    private static ProblemHttpResult Invalid(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> Create(CreateApplicationBody body, IOpenIddictApplicationManager manager,
        TimeProvider time, CancellationToken ct)
    {
        if (body.Name is not { Length: > 0 and <= 256 }) return Invalid("name is required (at most 256 characters).");
        if (body.Type is not { } type || !ApplicationTypes.All.Contains(type)) return Invalid("type must be SPA, Native, Traditional or MachineToMachine.");
        if (body.Description is { Length: > 2048 }) return Invalid("description is at most 2048 characters.");
        var descriptor = new OpenIddictApplicationDescriptor { ClientId = ApplicationDescriptors.NewId(), DisplayName = body.Name };
        ApplicationDescriptors.ApplyType(descriptor, type);
        if (Apply(descriptor, body.Description, body.IsThirdParty, body.OidcClientMetadata, body.CustomClientMetadata) is { } problem) return problem;
        descriptor.Properties[ApplicationProperties.CreatedAt] = JsonSerializer.SerializeToElement(time.GetUtcNow().ToUnixTimeMilliseconds());
        string? secret = null;
        if (!ApplicationTypes.IsPublic(type)) descriptor.ClientSecret = secret = ClientSecretHasher.NewSecret();
        await manager.CreateAsync(descriptor, ct);
        return TypedResults.Ok(ApplicationDescriptors.ToResponse(descriptor, secret));
    }

    public static async Task<Ok<List<ApplicationResponse>>> List(IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        var list = new List<ApplicationResponse>();
        await foreach (var application in manager.ListAsync(count: 1000, offset: null, ct))
            list.Add(ApplicationDescriptors.ToResponse(await Describe(manager, application, ct), null));
        return TypedResults.Ok(list);
    }

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> Get(string id, IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        var application = await manager.FindByClientIdAsync(id, ct);
        return application is null ? NotFound(id) : TypedResults.Ok(ApplicationDescriptors.ToResponse(await Describe(manager, application, ct), null));
    }

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> Patch(string id, PatchApplicationBody body,
        IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        var application = await manager.FindByClientIdAsync(id, ct);
        if (application is null) return NotFound(id);
        if (body.Name is { } name && name.Length is 0 or > 256) return Invalid("name must be 1 to 256 characters.");
        if (body.Description is { Length: > 2048 }) return Invalid("description is at most 2048 characters.");
        var descriptor = await Describe(manager, application, ct);
        if (body.Name is not null) descriptor.DisplayName = body.Name;
        if (Apply(descriptor, body.Description, body.IsThirdParty, body.OidcClientMetadata, body.CustomClientMetadata) is { } problem) return problem;
        await manager.UpdateAsync(application, descriptor, ct);
        return TypedResults.Ok(ApplicationDescriptors.ToResponse(descriptor, null));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        var application = await manager.FindByClientIdAsync(id, ct);
        if (application is null) return NotFound(id);
        await manager.DeleteAsync(application, ct);
        return TypedResults.NoContent();
    }

    private static async Task<OpenIddictApplicationDescriptor> Describe(IOpenIddictApplicationManager manager, object application, CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor();
        // Copies the stored secret hash too: UpdateAsync leaves it alone when unchanged (null would erase it).
        await manager.PopulateAsync(descriptor, application, ct);
        return descriptor;
    }

    private static ProblemHttpResult? Apply(OpenIddictApplicationDescriptor d, string? description, bool? isThirdParty, OidcClientMetadataBody? metadata,
        CustomClientMetadataBody? custom)
    {
        if (description is not null) d.Properties[ApplicationProperties.Description] = JsonSerializer.SerializeToElement(description);
        if (isThirdParty is { } third) d.Properties[ApplicationProperties.IsThirdParty] = JsonSerializer.SerializeToElement(third);
        if (custom?.AllowTokenExchange is { } allow) d.Properties[ApplicationProperties.AllowTokenExchange] = JsonSerializer.SerializeToElement(allow);
        ApplicationDescriptors.ApplyTokenExchangePermission(d);
        if (metadata is null) return null;
        foreach (var (list, target) in new[] { (metadata.RedirectUris, d.RedirectUris), (metadata.PostLogoutRedirectUris, d.PostLogoutRedirectUris) })
        {
            if (list is null) continue;
            if (list.Count > 32) return Invalid("At most 32 URIs per list.");
            var bad = list.FirstOrDefault(u => !RedirectUriRule.IsValid(u));
            if (list.Any(u => u is null) || bad is not null)
                return Invalid($"Invalid redirect URI '{bad}': absolute, without fragment, https (http only on localhost/loopback).");
            target.Clear();
            target.UnionWith(list.Select(u => new Uri(u, UriKind.Absolute)));
        }
        if (metadata.BackchannelLogoutUri is { Length: 0 }) d.Properties.Remove(ApplicationProperties.BackchannelLogoutUri);
        else if (metadata.BackchannelLogoutUri is { } backchannel)
        {
            // Same rules as redirect URIs; OpenID Back-Channel Logout §2.2 also forbids a fragment.
            if (!RedirectUriRule.IsValid(backchannel))
                return Invalid($"Invalid backchannelLogoutUri '{backchannel}': absolute, without fragment, https (http only on localhost/loopback).");
            d.Properties[ApplicationProperties.BackchannelLogoutUri] = JsonSerializer.SerializeToElement(backchannel);
        }
        if (metadata.BackchannelLogoutSessionRequired is { } sessionRequired)
            d.Properties[ApplicationProperties.BackchannelLogoutSessionRequired] = JsonSerializer.SerializeToElement(sessionRequired);
        return null;
    }
}
