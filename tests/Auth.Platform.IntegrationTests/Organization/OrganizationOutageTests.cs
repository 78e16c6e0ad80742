using System.Net;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Organization;

// Stops the organization service, which other tests need: runs alone, after the parallel collections.
[CollectionDefinition(nameof(OrganizationOutageTests), DisableParallelization = true)]
public sealed class OrganizationOutageCollection;

[Collection(nameof(OrganizationOutageTests))]
public sealed class OrganizationOutageTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task OrganizationServiceDown_OrganizationTokenIsTemporarilyUnavailable_AndTheRefreshTokenStillWorksAfterwards()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (userId, tokens) = await api.RegisterAsync(clientId, "openid offline_access " + OrganizationApi.OrganizationsScope);
        var organizationId = await api.CreateOrganizationIdAsync();
        await api.AddMemberAsync(organizationId, userId);
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        await Stack.StopResourceAsync("organization");
        try
        {
            var answer = await api.OrganizationTokenAsync(clientId, refreshToken, organizationId);
            // A token endpoint error: 400, as OpenIddict answers every token error but invalid_client (RFC 6749 §5.2).
            OrganizationApi.AssertOAuthError(answer, HttpStatusCode.BadRequest, "temporarily_unavailable");
        }
        finally
        {
            await Stack.StartResourceAsync("organization");
        }

        var again = await api.OrganizationTokenAsync(clientId, refreshToken, organizationId);
        Assert.True(again.Status == HttpStatusCode.OK, again.Body.ToString());
    }
}
