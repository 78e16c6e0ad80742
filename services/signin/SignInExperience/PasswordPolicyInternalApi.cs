using Auth.Platform.Signin.Experience.Verifications;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Validation.AspNetCore;

namespace Auth.Platform.Signin.SignInExperience;

public sealed record PasswordPolicyCheckRequest(string? Password, string? Username, string? Email, string? Phone, string? Name);

/// <summary>
/// The password policy has one owner, the sign-in experience: account asks here before the Account API sets a password
/// (<c>POST /api/my-account/password</c>) instead of keeping a second copy of the policy and its checker.
/// </summary>
public static class PasswordPolicyInternalApi
{
    public const string InternalPolicy = "internal-local";

    /// <summary>Service tokens (audience and scope <c>internal</c>), validated locally like signin's Management API tokens.</summary>
    public static IHostApplicationBuilder AddPasswordPolicyInternalApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder().AddPolicy(InternalPolicy, p => p
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => OpenIddict.Abstractions.OpenIddictExtensions.HasAudience(c.User, PlatformAudiences.Internal)
                && OpenIddict.Abstractions.OpenIddictExtensions.HasScope(c.User, PlatformScopes.Internal)));
        return builder;
    }

    public static IEndpointRouteBuilder MapPasswordPolicyInternalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/password-policy/check", Check).RequireAuthorization(InternalPolicy).WithTags("Internal: password policy");
        return app;
    }

    /// <summary>204 when the password meets the policy, else Logto's 422 <c>password.rejected</c> with <c>data.issues</c>
    /// (the Experience API's answer, so the hosted UI shows both alike).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Check(PasswordPolicyCheckRequest request, SignInExperienceStore store, CancellationToken ct)
    {
        if (request.Password is not { Length: > 0 } password) return PlatformProblems.Create(400, "guard.invalid_input", "password is required.");
        var settings = await store.GetAsync(ct);
        return Password.Rejected(password, settings, new PasswordUserInfo(request.Username, request.Email, request.Phone, request.Name)) is { } rejected
            ? rejected : TypedResults.NoContent();
    }
}
