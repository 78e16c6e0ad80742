using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;
using Npgsql;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Issue 13 pt 6: Logto's <c>POST /api/users {passwordDigest, passwordAlgorithm}</c> for migrations. The digests come from
/// other implementations (argon2's reference README, argon2-cffi's docs, libxcrypt's bcrypt), are verified at sign-in
/// and replaced by our Argon2id hash once the password is known.
/// </summary>
public sealed class UserImportTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    public static TheoryData<string, string, string> Digests() => new()
    {
        // phc-winner-argon2 README: password "password", salt "somesalt", t=2, m=64 MiB, p=4.
        { "Argon2i", "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", "password" },
        // argon2-cffi's documentation example.
        { "Argon2id", "$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg", "correct horse battery staple" },
        // libxcrypt's crypt("correct horse battery", crypt_gensalt("$2b$", 10)).
        { "Bcrypt", "$2b$10$5puZBYQyLQGf4gjKaLT/h.SRjU/8mcHxRXxQAx6UivsAvX6Vi/jxW", "correct horse battery" },
        { "SHA256", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("correct horse battery"))), "correct horse battery" },
        { "MD5", Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("correct horse battery"))), "correct horse battery" },
    };

    [Theory]
    [MemberData(nameof(Digests))]
    public async Task CreateWithPasswordDigest_SignsInWithThePassword_AndTheHashIsUpgradedToArgon2id(string algorithm, string digest, string password)
    {
        using var management = await ManagementClientAsync(Stack);
        var username = UniqueName("import");
        var user = await CreateUserAsync(management, new { username, passwordDigest = digest, passwordAlgorithm = algorithm });
        var id = user.GetProperty("id").GetString()!;
        Assert.True(user.GetProperty("hasPassword").GetBoolean());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, await VerifyAsync(username, password + "x"));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(username, password));

        Assert.StartsWith("$argon2id$v=19$m=7168,t=5,p=1$", await StoredHashAsync(id));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(username, password));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await VerifyAsync(username, password + "x"));
    }

    [Theory]
    [InlineData("""{"password":"secret-1","passwordDigest":"5ebe2294ecd0e0f08eab7690d2a6ee69","passwordAlgorithm":"MD5"}""", "user.password_and_digest")]
    [InlineData("""{"passwordDigest":"5ebe2294ecd0e0f08eab7690d2a6ee69"}""", "user.password_algorithm_required")]
    [InlineData("""{"passwordDigest":"5ebe2294ecd0e0f08eab7690d2a6ee69","passwordAlgorithm":"SHA1"}""", "guard.invalid_input")]
    [InlineData("""{"passwordDigest":"not-hex","passwordAlgorithm":"MD5"}""", "guard.invalid_input")]
    [InlineData("""{"passwordDigest":"$2b$31$5puZBYQyLQGf4gjKaLT/h.SRjU/8mcHxRXxQAx6UivsAvX6Vi/jxW","passwordAlgorithm":"Bcrypt"}""", "guard.invalid_input")]
    [InlineData("""{"passwordDigest":"$argon2id$v=19$m=4194304,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg","passwordAlgorithm":"Argon2id"}""", "guard.invalid_input")]
    [InlineData("""{"passwordDigest":"$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG","passwordAlgorithm":"Argon2id"}""", "guard.invalid_input")]
    [InlineData("""{"customData":[1,2]}""", "guard.invalid_input")]
    public async Task Create_WithABadDigestOrCustomData_Returns400AndCreatesNothing(string body, string code)
    {
        using var management = await ManagementClientAsync(Stack);
        var username = UniqueName("import");
        var json = body.Insert(1, $"\"username\":\"{username}\",");

        using var response = await management.PostAsync("/api/users", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, 400, code);
        using var search = await management.GetAsync($"/api/users?search={username}", Ct);
        Assert.Equal("0", search.Headers.GetValues("Total-Number").Single());
    }

    [Fact]
    public async Task Create_WithCustomData_StoresIt()
    {
        using var management = await ManagementClientAsync(Stack);

        var user = await CreateUserAsync(management, new { username = UniqueName("import"), customData = new { plan = "pro", seats = 3 } });

        var read = await ReadUserAsync(Stack, user.GetProperty("id").GetString()!);
        Assert.Equal("pro", read.GetProperty("customData").GetProperty("plan").GetString());
        Assert.Equal(3, read.GetProperty("customData").GetProperty("seats").GetInt32());
    }

    /// <summary>What signin asks account at a password sign-in.</summary>
    private async Task<HttpStatusCode> VerifyAsync(string username, string password)
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("account") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await Stack.ServiceTokenAsync(Ct));
        using var response = await http.PostAsJsonAsync("/internal/users/verify-password",
            new { identifier = new { type = "username", value = username }, password }, Ct);
        return response.StatusCode;
    }

    private async Task<string> StoredHashAsync(string userId)
    {
        await using var connection = new NpgsqlConnection(Stack.ConnectionString("accountdb"));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT password_hash FROM users WHERE id = @p", connection);
        command.Parameters.AddWithValue("p", userId);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }
}
