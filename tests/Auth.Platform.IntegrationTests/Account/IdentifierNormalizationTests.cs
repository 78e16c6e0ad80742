using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Phone numbers and emails typed any human way reach the same user: stored as E.164, unique on that form, and found
/// by every entry point (Management API create/patch through the gateway, password sign-in through signin).
/// </summary>
public sealed class IdentifierNormalizationTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    /// <summary>The same random French mobile number, spaced for humans and in E.164.</summary>
    private static (string Spaced, string E164) NewFrenchMobile()
    {
        var e164 = UniquePhone();
        var d = e164[4..];
        return ($"+33 6 {d[..2]} {d[2..4]} {d[4..6]} {d[6..]}", e164);
    }

    [Fact]
    public async Task CreateUser_WithSpacedInternationalPhone_ReturnsE164()
    {
        using var management = await ManagementClientAsync(Stack);
        var (spaced, e164) = NewFrenchMobile();

        var user = await CreateUserAsync(management, new { primaryPhone = spaced });

        Assert.Equal(e164, user.GetProperty("primaryPhone").GetString());
        using var fetched = await management.GetAsync($"/api/users/{user.GetProperty("id").GetString()}", Ct);
        Assert.Equal(e164, (await ReadJsonAsync(fetched)).GetProperty("primaryPhone").GetString());
    }

    [Fact]
    public async Task CreateUser_WithSamePhoneWrittenWith00Prefix_Returns422PhoneAlreadyInUse()
    {
        using var management = await ManagementClientAsync(Stack);
        var (spaced, e164) = NewFrenchMobile();
        await CreateUserAsync(management, new { primaryPhone = spaced });

        using var response = await management.PostAsJsonAsync("/api/users", new { primaryPhone = "00" + e164[1..] }, Ct);

        await AssertProblemAsync(response, 422, "user.phone_already_in_use");
    }

    [Fact]
    public async Task PatchUser_WithAnotherUsersPhoneDifferentlyFormatted_Returns422PhoneAlreadyInUse()
    {
        using var management = await ManagementClientAsync(Stack);
        var (spaced, e164) = NewFrenchMobile();
        await CreateUserAsync(management, new { primaryPhone = e164 });
        var other = (await CreateUserAsync(management, new { username = UniqueName("pat") })).GetProperty("id").GetString();

        using var response = await management.PatchAsJsonAsync($"/api/users/{other}", new { primaryPhone = spaced.Replace(' ', '-') }, Ct);

        await AssertProblemAsync(response, 422, "user.phone_already_in_use");
    }

    [Fact]
    public async Task PatchUser_WithFormattedPhone_StoresE164()
    {
        using var management = await ManagementClientAsync(Stack);
        var (spaced, e164) = NewFrenchMobile();
        var id = (await CreateUserAsync(management, new { username = UniqueName("paula") })).GetProperty("id").GetString();

        using var response = await management.PatchAsJsonAsync($"/api/users/{id}", new { primaryPhone = "(" + spaced.Replace(" 6 ", ") 6 ") }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(e164, (await ReadJsonAsync(response)).GetProperty("primaryPhone").GetString());
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("06 12 34 56 78")]          // national form: no default region is configured
    [InlineData("+33 6 12 AB 56 78")]
    [InlineData("+1-800-FLOWERS")]
    [InlineData("+33 6 12 34")]
    [InlineData("+999 612345678")]
    public async Task CreateUser_WithInvalidPhone_Returns400InvalidPhone(string phone)
    {
        using var management = await ManagementClientAsync(Stack);

        using var response = await management.PostAsJsonAsync("/api/users", new { primaryPhone = phone }, Ct);

        await AssertProblemAsync(response, 400, "user.invalid_phone");
    }

    [Theory]
    [InlineData("alice@@example.com")]
    [InlineData("alice@example.com.")]
    [InlineData("al ice@example.com")]
    public async Task CreateUser_WithMalformedEmail_Returns400GuardInvalidInput(string email)
    {
        using var management = await ManagementClientAsync(Stack);

        using var response = await management.PostAsJsonAsync("/api/users", new { primaryEmail = email }, Ct);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task CreateUser_WithIdnEmailAlreadyInUseAsPunycode_Returns422EmailAlreadyInUse()
    {
        using var management = await ManagementClientAsync(Stack);
        var local = UniqueName("jurgen");
        var user = await CreateUserAsync(management, new { primaryEmail = local + "@Bücher.example" });
        Assert.Equal(local + "@Bücher.example", user.GetProperty("primaryEmail").GetString());

        using var response = await management.PostAsJsonAsync("/api/users", new { primaryEmail = local + "@xn--bcher-kva.example" }, Ct);

        await AssertProblemAsync(response, 422, "user.email_already_in_use");
    }

    /// <summary>Sign-in (signin -> account's verify-password) finds the user whatever way the number is typed.</summary>
}
