using System.Net;
using System.Text;
using Auth.Platform.Signin.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Auth.Platform.UnitTests.Hardening;

/// <summary>The one hostile-text rule and the one JSON rule (issue 10 pts 1 and 6), and what the circuit breaker counts.</summary>
public sealed class InputRuleTests
{
    [Theory]
    [InlineData("alice", true)]
    [InlineData("alice@example.com", true)]
    [InlineData("+33 6 12 34 56 78", true)]
    [InlineData("ali\0ce", false)]
    [InlineData("ali\u0007ce", false)]
    [InlineData("alice\n", false)]
    [InlineData("\u202Eecila", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsIdentifier_RefusesControlBidiAndLoneSurrogates(string? value, bool expected) =>
        Assert.Equal(expected, HostileText.IsIdentifier(value));

    // Built in code: xUnit's theory serialisation would turn a lone surrogate into U+FFFD.
    [Fact]
    public void LoneSurrogates_AreNeitherStorableNorIdentifiers()
    {
        foreach (var text in new[] { "ali" + (char)0xD800 + "ce", "ali" + (char)0xDC00 + "ce", "trailing " + (char)0xD83D })
        {
            Assert.False(HostileText.IsStorable(text));
            Assert.False(HostileText.IsIdentifier(text));
        }
    }

    [Fact]
    public void IsIdentifier_RefusesOverLongValues()
    {
        Assert.True(HostileText.IsIdentifier(new string('a', HostileText.MaxIdentifierLength)));
        Assert.False(HostileText.IsIdentifier(new string('a', HostileText.MaxIdentifierLength + 1)));
    }

    [Theory]
    [InlineData("emoji \U0001F600 and line\nbreaks", true)]
    [InlineData("nul \0", false)]
    public void IsStorable_AllowsPairsAndWhitespace_RefusesNulAndLoneSurrogates(string value, bool expected) =>
        Assert.Equal(expected, HostileText.IsStorable(value));

    [Theory]
    [InlineData("""{"name":"a","nested":{"name":"b"},"list":[{"x":1},{"x":2}]}""", null)]
    [InlineData("""{"name":"a","name":"b"}""", "appears twice")]
    [InlineData("""{"a":{"k":1,"k":2}}""", "appears twice")]
    [InlineData("""{"name":"a\u0000b"}""", "NUL")]
    [InlineData("""{"name":"\ud800"}""", "NUL")]
    [InlineData("""{"na\u0000me":"x"}""", "NUL")]
    [InlineData("""{"name":""", "not valid JSON")]
    [InlineData("""{"a":1} {"b":2}""", "not valid JSON")]
    public void JsonViolation_FindsDuplicatesNulSurrogatesAndMalformedJson(string json, string? expected)
    {
        var violation = HostileInputGuard.JsonViolation(Encoding.UTF8.GetBytes(json), 32);
        if (expected is null) Assert.Null(violation);
        else Assert.Contains(expected, violation);
    }

    [Fact]
    public void JsonViolation_RefusesDeepNesting()
    {
        var json = new string('[', 100) + new string(']', 100);
        Assert.Contains("deeper than 32", HostileInputGuard.JsonViolation(Encoding.UTF8.GetBytes(json), 32));
    }

    [Fact]
    public void JsonViolation_RefusesInvalidUtf8() =>
        Assert.NotNull(HostileInputGuard.JsonViolation([(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'], 32));

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task CircuitBreaker_NeverOpensOn4xx(HttpStatusCode status)
    {
        using var client = ClientAnswering(status);
        // The standard breaker opens after 100 calls at >= 10 % failures: 150 refusals would have opened it.
        for (var i = 0; i < 150; i++)
        {
            using var response = await client.GetAsync("/", TestContext.Current.CancellationToken);
            Assert.Equal(status, response.StatusCode);
        }
    }

    [Fact]
    public async Task CircuitBreaker_OpensOn5xx()
    {
        using var client = ClientAnswering(HttpStatusCode.InternalServerError);
        var broken = 0;
        for (var i = 0; i < 150; i++)
        {
            try { (await client.GetAsync("/", TestContext.Current.CancellationToken)).Dispose(); }
            catch (Exception e) when (e.GetType().Name == "BrokenCircuitException") { broken++; }
        }
        Assert.True(broken > 0, "150 consecutive 500s must open the circuit.");
    }

    private static HttpClient ClientAnswering(HttpStatusCode status)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("dependency", c => c.BaseAddress = new Uri("http://dependency"))
            .ConfigurePrimaryHttpMessageHandler(() => new FixedAnswer(status))
            .WithoutRetries();
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("dependency");
    }

    private sealed class FixedAnswer(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status));
    }
}
