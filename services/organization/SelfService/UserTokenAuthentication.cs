namespace Auth.Platform.Organization.SelfService;

/// <summary><c>/api/my-account/organizations</c> takes the user's own access token, like account's Account API (no <c>aud</c>, the user as <c>sub</c>).</summary>
public static class UserTokenAuthentication
{
    public const string Scheme = "user-token";
    public const string Policy = "user-token";

    public static IHostApplicationBuilder AddUserTokenAuthentication(this IHostApplicationBuilder builder) =>
        builder.AddPlatformUserTokenAuthentication(Scheme, Policy);
}
