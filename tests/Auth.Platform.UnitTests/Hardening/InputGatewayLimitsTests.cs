using System.Net;
using System.Text.Json;
using Auth.Platform.Gateway.Limits;
using Auth.Platform.UnitTests.Gateway;
using Microsoft.AspNetCore.Http;

namespace Auth.Platform.UnitTests.Hardening;

/// <summary>The gateway as Program.cs composes it, with a low per-client limit and loopback as a trusted proxy.</summary>
public sealed class LimitedGatewayFixture : GatewayFixture
{
    public const int PermitLimit = 5;

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Gateway:RateLimit:PermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Gateway:RateLimit:WindowSeconds"] = "60";
        settings["Gateway:RateLimit:TrustedProxies:0"] = "127.0.0.1";
    }
}

/// <summary>Issue 10 pt 7 (one body limit at the edge, 413 not 502) and pt 13 (per-client-address rate limit, 429 + Retry-After).</summary>
public sealed class InputGatewayLimitsTests(LimitedGatewayFixture fixture) : IClassFixture<LimitedGatewayFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public async Task Body_OverTheLimitWithALength_Returns413Problem(int megabytes)
    {
        using var content = new ByteArrayContent(new byte[megabytes * 1024 * 1024]);
        content.Headers.ContentType = new("application/json");
        using var response = await _client.PostAsync("/api/users", content, Ct);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
    }

    [Fact]
    public async Task Body_OverTheLimitChunked_Returns413ProblemNot502()
    {
        using var content = new StreamContent(new MemoryStream(new byte[2 * 1024 * 1024]));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _client.SendAsync(request, Ct);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
    }

    [Fact]
    public async Task Body_UnderTheLimit_IsProxied()
    {
        using var content = new ByteArrayContent(new byte[PlatformExtensionsLimit - 1024]);
        using var response = await _client.PostAsync("/api/users", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ExperienceRoute_OverTheLimitFromOneClient_Returns429WithRetryAfter_AndOtherClientsPass()
    {
        var client = NewClientAddress();
        for (var i = 0; i < LimitedGatewayFixture.PermitLimit; i++)
        {
            using var allowed = await SendFromAsync(client, "/api/experience/verification/password");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var refused = await SendFromAsync(client, "/api/experience/verification/password");
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, refused.Headers.RetryAfter?.ToString());
        var problem = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "request.too_many_requests");
        Assert.InRange(problem.GetProperty("data").GetProperty("retryAfter").GetInt32(), 1, 60);

        // The token endpoint shares the address's budget; another address and an unlimited route are untouched.
        using (var token = await SendFromAsync(client, "/oidc/token")) Assert.Equal(HttpStatusCode.TooManyRequests, token.StatusCode);
        using (var other = await SendFromAsync(NewClientAddress(), "/api/experience/verification/password")) Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using (var users = await SendFromAsync(client, "/api/users/u1")) Assert.Equal(HttpStatusCode.OK, users.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.9", "198.51.100.1", "203.0.113.9")]
    [InlineData("10.0.0.1", "198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.7", "198.51.100.1")]
    [InlineData("10.0.0.1", "not-an-address", "10.0.0.1")]
    [InlineData("::ffff:203.0.113.9", "", "203.0.113.9")]
    public void ClientAddress_TrustsForwardedForOnlyFromConfiguredProxies(string remote, string forwardedFor, string expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor.Length > 0) context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        Assert.Equal(expected, ClientRateLimiting.ClientAddress(context, [ClientRateLimiting.ParseNetwork("10.0.0.0/8")]));
    }

    private const int PlatformExtensionsLimit = (int)Microsoft.Extensions.Hosting.PlatformExtensions.MaxRequestBodyBytes;

    private static int _clients;

    private static string NewClientAddress()
    {
        var n = Interlocked.Increment(ref _clients);
        return $"198.51.{n / 250}.{n % 250 + 1}";
    }

    private Task<HttpResponseMessage> SendFromAsync(string clientAddress, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return _client.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", text);
        return problem;
    }
}
