using Microsoft.Extensions.Hosting;

namespace Auth.Platform.UnitTests.Gateway;

public sealed class RequestLogRedactionTests
{
    [Theory]
    [InlineData("?access_token=eyJ.abc.def", "?access_token=[redacted]")]
    [InlineData("?a=1&b&c=&d=x%3Dy", "?a=[redacted]&b&c=&d=[redacted]")]
    [InlineData("?id_token_hint=a=b=c", "?id_token_hint=[redacted]")]
    [InlineData("", "")]
    public void RedactQueryValues_KeepsNamesAndDropsValues(string query, string logged) =>
        Assert.Equal(logged, RequestLogRedaction.RedactQueryValues(query));
}
