using System.Net.Http.Headers;
using System.Text;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// <c>/internal/*</c> is for service tokens only: called directly on the service (the gateway never routes it), it
/// refuses anonymous callers and Management API tokens alike.
/// </summary>
public sealed class InternalUsersApiAuthorizationTests(PlatformStackFixture fixture)
{
    public static TheoryData<string, string, string?> InternalEndpoints => new()
    {
        { "account", "POST /internal/users/verify-password", """{"identifier":{"type":"username","value":"x"},"password":"x"}""" },
        { "account", "POST /internal/users", """{"username":"x"}""" },
        { "account", "GET /internal/users/abcdefghijkl", null },
        { "account", "GET /internal/users/lookup?type=username&value=x", null },
        { "account", "POST /internal/users/abcdefghijkl/sign-in", null },
        { "account", "GET /internal/identities/lookup?target=google&identityId=x", null },
        { "account", "GET /internal/sso-identities/lookup?issuer=https://idp&identityId=x", null },
        { "account", "PUT /internal/users/abcdefghijkl/identities/google", """{"identityId":"x"}""" },
        { "account", "POST /internal/users/with-identity", """{"username":"x","identity":{"target":"google","identityId":"x"}}""" },
        { "notification", "GET /internal/recipients/abcdefghijkl", null },
        { "notification", "POST /internal/verification-codes", """{"purpose":"SignIn","channel":"email","recipient":"a@b.co","interactionId":"i"}""" },
        { "notification", "POST /internal/verification-codes/verify", """{"verificationCodeId":"x","recipient":"a@b.co","code":"123456"}""" },
        { "notification", "GET /internal/dev/sms", null },
        { "organization", "GET /internal/user-directory/abcdefghijkl", null },
        { "organization", "GET /internal/organizations/users/abcdefghijkl/memberships", null },
        { "signin", "POST /internal/password-policy/check", """{"password":"x"}""" },
        { "organization", "GET /internal/organizations/applications/abcdefghijklmnopqrstu/memberships", null },
        { "account", "POST /internal/users/batch", """{"ids":["abcdefghijkl"]}""" },
        { "signin", "POST /internal/applications/batch", """{"ids":["abcdefghijklmnopqrstu"]}""" },
    };

    [Theory]
    [MemberData(nameof(InternalEndpoints))]
    public async Task InternalEndpoint_WithoutToken_Returns401(string service, string route, string? body)
    {
        using var http = new HttpClient { BaseAddress = fixture.Stack.ServiceUrl(service) };

        using var response = await http.SendAsync(Request(route, body), Ct);

        await AssertProblemAsync(response, 401, "auth.unauthorized");
    }

    [Theory]
    [MemberData(nameof(InternalEndpoints))]
    public async Task InternalEndpoint_WithManagementToken_Returns403(string service, string route, string? body)
    {
        using var http = new HttpClient { BaseAddress = fixture.Stack.ServiceUrl(service) };
        var request = Request(route, body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ManagementTokenAsync(fixture.Stack));

        using var response = await http.SendAsync(request, Ct);

        await AssertProblemAsync(response, 403, "auth.forbidden");
    }

    private static HttpRequestMessage Request(string route, string? body)
    {
        var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
        return new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };
    }
}
