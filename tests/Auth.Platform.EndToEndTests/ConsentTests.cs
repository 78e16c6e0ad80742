using Microsoft.Playwright;
using Auth.Platform.Testing;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// A third-party application in real Chromium: the hosted consent page lists what the application asks, and
/// authorizing completes openid-client's code flow.
/// </summary>
public sealed class ConsentTests(PlatformStackFixture fixture)
{
    [Fact]
    public async Task ThirdPartyApplication_ShowsTheConsentPage_AndAuthorizeCompletesTheCodeFlow()
    {
        var flow = new SignOutFlow(fixture.Stack);
        var firstParty = await flow.CreateApplicationAsync(backchannelLogoutUri: null);
        var thirdParty = await flow.CreateApplicationAsync(backchannelLogoutUri: null, isThirdParty: true);
        await using var browser = await flow.OpenBrowserAsync();
        var registered = await flow.RegisterAsync(browser, firstParty);

        var tokens = await flow.AuthorizeWithPageAsync(browser, thirdParty, async page =>
        {
            Assert.Equal("/consent", new Uri(page.Url).AbsolutePath);
            await Assertions.Expect(page.Locator("#consent-scopes li[data-scope=profile]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#consent-scopes li[data-scope=offline_access]")).ToBeVisibleAsync();
            await page.ClickAsync("#consent-authorize");
        });
        Assert.Equal(thirdParty, tokens["idTokenClaims"]!["aud"]!.GetValue<string>());
        Assert.Equal(registered["idTokenClaims"]!["sub"]!.GetValue<string>(), tokens["idTokenClaims"]!["sub"]!.GetValue<string>());
    }
}
