namespace Auth.Platform.Account.MyAccount;

/// <summary>
/// The Account API is called with the user's own access token, as Logto's: issued by signin for no resource (no
/// <c>aud</c>), with the user as <c>sub</c> (ServiceDefaults' user-token scheme, shared with organization's
/// <c>/api/my-account/organizations</c>).
/// </summary>
public static class MyAccountAuthentication
{
    public const string Scheme = "my-account";
    public const string Policy = "my-account";

    public static IHostApplicationBuilder AddMyAccountAuthentication(this IHostApplicationBuilder builder) =>
        builder.AddPlatformUserTokenAuthentication(Scheme, Policy);
}
