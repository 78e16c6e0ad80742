using System.Net;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.AppHost;

public sealed class StackTests(PlatformStackFixture fixture)
{
    public static TheoryData<string> Projects => ["signin", "account", "mfa", "organization", "sso-connector", "notification", "ui", "gateway"];

    private static readonly HttpClient Http = new();

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Project_AfterStart_AnswersHealthWith200(string project)
    {
        using var response = await Http.GetAsync(new Uri(fixture.Stack.ServiceUrl(project), "/health"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Project_AfterStart_AnswersAliveWith200(string project)
    {
        using var response = await Http.GetAsync(new Uri(fixture.Stack.ServiceUrl(project), "/alive"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Gateway_IsServedOnItsPublicUrl()
    {
        using var response = await Http.GetAsync(new Uri(fixture.Stack.GatewayUrl, "/health"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.Stack.GatewayUrl, fixture.Stack.ServiceUrl("gateway"));
    }

    [Fact]
    public void ResourcesFile_DescribesTheRunningStack()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.Stack.DataDirectory, "resources.json")));
        var root = document.RootElement;

        Assert.Equal(fixture.Stack.GatewayUrl.ToString().TrimEnd('/'), root.GetProperty("gatewayUrl").GetString());
        Assert.Equal(fixture.Stack.ServiceUrl("signin").ToString().TrimEnd('/'), root.GetProperty("resources").GetProperty("signin").GetProperty("url").GetString());
        Assert.Equal(fixture.Stack.ConnectionString("signindb"), root.GetProperty("resources").GetProperty("signindb").GetProperty("connectionString").GetString());
        Assert.Equal("m2m-admin", root.GetProperty("managementClient").GetProperty("clientId").GetString());
        Assert.Equal(fixture.Stack.ManagementClient.ClientSecret, root.GetProperty("managementClient").GetProperty("clientSecret").GetString());
    }

    [Theory]
    [InlineData("signindb"), InlineData("accountdb"), InlineData("mfadb"), InlineData("organizationdb"), InlineData("ssoconnectordb"), InlineData("notificationdb")]
    public void Database_ConnectionString_NamesItsOwnDatabase(string database)
    {
        Assert.EndsWith($"Database={database}", fixture.Stack.ConnectionString(database));
    }
}
