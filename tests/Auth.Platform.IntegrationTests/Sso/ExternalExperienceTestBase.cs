using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// What the Experience tests of social and SSO share: sso-connector's Management API, a browser in one interaction with the
/// npm oidc-provider IdP, and the few facts they read back (the token's subject, a fresh IdP account, an existing user).
/// </summary>
public abstract class ExternalExperienceTestBase(PlatformStackFixture fixture, SocialIdpFixture idp) : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
    protected SsoApi Api { get; private set; } = null!;
    protected ExternalExperience Ui { get; private set; } = null!;
    protected PlatformStack Stack => fixture.Stack;
    protected SocialIdpFixture Idp => idp;

    public virtual async ValueTask InitializeAsync()
    {
        Api = await SsoApi.CreateAsync(fixture.Stack);
        Ui = new ExternalExperience(fixture.Stack, idp);
    }

    public virtual async ValueTask DisposeAsync()
    {
        Ui.Dispose();
        await Api.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A new account at the IdP (email <c>{account}@idp.test</c>, verified).</summary>
    protected static string Account() => "acct" + Guid.NewGuid().ToString("N")[..12];

    protected static string SubjectOf(JsonElement tokens) => SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;

    /// <summary>A user created by an admin; a username so that signing in asks for no profile completion.</summary>
    protected async Task<string> ExistingUserAsync(string? username = null, string? primaryEmail = null, string? password = null, string? name = null) =>
        (await CreateUserAsync(Api.Management, new { username = username ?? SigninClient.NewUsername(), primaryEmail, password, name })).GetProperty("id").GetString()!;

    protected async Task PatchSignInExperienceAsync(object patch)
    {
        using var response = await Api.Management.PatchAsJsonAsync("/api/sign-in-exp", patch, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }
}
