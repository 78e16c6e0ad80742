using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auth.Platform.Mfa.Totp;
using Auth.Platform.Testing;
using Npgsql;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;
using Eventually = Auth.Platform.IntegrationTests.Account.Eventually;
using SigninMfaClient = Auth.Platform.Signin.Mfa.MfaClient;
using SigninMfaSettings = Auth.Platform.Signin.Mfa.MfaUserSettings;

namespace Auth.Platform.IntegrationTests.Mfa;

/// <summary>
/// Logto's Management API for a user's MFA (<c>/api/users/{id}/mfa-verifications</c>, <c>/api/users/{id}/logto-configs</c>)
/// through the gateway with a client-credentials Management token, and mfa's internal settings API that signin uses.
/// </summary>
public sealed class ManagementMfaApiTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private PlatformStack Stack => fixture.Stack;
    private HttpClient _management = null!;
    private HttpClient _internal = null!;

    public async ValueTask InitializeAsync()
    {
        _management = await ManagementClientAsync(Stack);
        _internal = new HttpClient { BaseAddress = Stack.ServiceUrl("mfa") };
        _internal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Stack.ServiceTokenAsync(Ct));
    }

    public ValueTask DisposeAsync()
    {
        _management.Dispose();
        _internal.Dispose();
        return ValueTask.CompletedTask;
    }

    // ---------- list ----------

    [Fact]
    public async Task List_AfterTotpAndBackupCodesBoundThroughTheInternalApi_ReturnsLogtoShapeWithIsoDatesAndRemainingCodes()
    {
        var userId = NewUserId();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await BindTotpInternallyAsync(userId);
        var codes = await BindBackupCodesInternallyAsync(userId);
        using (var spent = await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/backup-codes/verify", new { code = codes[0] }, Ct))
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);

        var list = await ListAsync(userId);

        Assert.Equal(["Totp", "BackupCode"], list.EnumerateArray().Select(v => v.GetProperty("type").GetString()));
        foreach (var v in list.EnumerateArray())
        {
            Assert.Matches("^[0-9a-f]{20}$", v.GetProperty("id").GetString());
            var createdAt = v.GetProperty("createdAt").GetString()!;
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", createdAt);
            Assert.InRange(DateTimeOffset.Parse(createdAt, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(5));
        }
        Assert.False(list[0].TryGetProperty("remainCodes", out _));
        Assert.Equal(9, list[1].GetProperty("remainCodes").GetInt32());
    }

    [Fact]
    public async Task List_ForAUserWithoutFactors_ReturnsAnEmptyArray()
    {
        Assert.Equal(0, (await ListAsync(NewUserId())).GetArrayLength());
    }

    // ---------- TOTP ----------

    [Fact]
    public async Task CreateTotp_WithAGivenSecret_StoresThatSecret_SoACodeMadeFromItVerifies()
    {
        var userId = NewUserId();
        var secret = Base32.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();

        var created = await CreateAsync(userId, new { type = "Totp", secret });

        Assert.Equal("Totp", created.GetProperty("type").GetString());
        Assert.Equal(secret.ToUpperInvariant(), created.GetProperty("secret").GetString());
        Assert.StartsWith("data:image/png;base64,", created.GetProperty("secretQrCode").GetString());
        var code = TotpAlgorithm.Code(Base32.Decode(secret), DateTimeOffset.UtcNow);
        using var verified = await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/totp/verify", new { code }, Ct);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var wrong = ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        using var refused = await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/totp/verify", new { code = wrong }, Ct);
        await AssertProblemAsync(refused, 400, "session.mfa.invalid_totp_code");
    }

    [Fact]
    public async Task CreateTotp_WithoutASecret_GeneratesA160BitSecretAndListsTheFactor()
    {
        var userId = NewUserId();

        var created = await CreateAsync(userId, new { type = "Totp" });

        Assert.Matches("^[A-Z2-7]{32}$", created.GetProperty("secret").GetString());
        Assert.Equal("Totp", Assert.Single((await ListAsync(userId)).EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task CreateTotp_WhenTheUserAlreadyHasOne_Returns422TotpAlreadyInUse()
    {
        var userId = NewUserId();
        await BindTotpInternallyAsync(userId);

        using var response = await _management.PostAsJsonAsync($"/api/users/{userId}/mfa-verifications", new { type = "Totp" }, Ct);

        await AssertProblemAsync(response, 422, "user.totp_already_in_use");
    }

    [Fact]
    public async Task CreateTotp_FiveAtOnceForOneUser_BindsExactlyOne()
    {
        var userId = NewUserId();

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            _management.PostAsJsonAsync($"/api/users/{userId}/mfa-verifications", new { type = "Totp" }, Ct)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK)) await AssertProblemAsync(refused, 422, "user.totp_already_in_use");
        Assert.Single((await ListAsync(userId)).EnumerateArray());
    }

    [Theory]
    [InlineData("JBSWY3DPEHPK3PX")] // 15 characters
    [InlineData("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPA")] // 33 characters
    [InlineData("JBSWY3DPEHPK3PX1")] // 1 is not base32
    [InlineData("JBSWY3DP EHPK3PXP")]
    [InlineData("JBSWY3DPEHPK3PXP====")]
    [InlineData("")]
    public async Task CreateTotp_WithASecretThatIsNotBase32Of16To32Characters_Returns422TotpSecretInvalid(string secret)
    {
        var userId = NewUserId();

        using var response = await _management.PostAsJsonAsync($"/api/users/{userId}/mfa-verifications", new { type = "Totp", secret }, Ct);

        await AssertProblemAsync(response, 422, "user.totp_secret_invalid");
        Assert.Equal(0, (await ListAsync(userId)).GetArrayLength());
    }

    // ---------- backup codes ----------

    [Fact]
    public async Task CreateBackupCodes_ForAUserWithoutAnotherFactor_Returns422BackupCodeCanNotBeAlone()
    {
        var userId = NewUserId();

        using var response = await _management.PostAsJsonAsync($"/api/users/{userId}/mfa-verifications", new { type = "BackupCode" }, Ct);

        await AssertProblemAsync(response, 422, "session.mfa.backup_code_can_not_be_alone");
        Assert.Equal(0, (await ListAsync(userId)).GetArrayLength());
    }

    [Fact]
    public async Task CreateBackupCodes_Generated_ReturnsTenCodesThatEachWorkOnce()
    {
        var userId = NewUserId();
        await CreateAsync(userId, new { type = "Totp" });

        var created = await CreateAsync(userId, new { type = "BackupCode" });

        Assert.Equal("BackupCode", created.GetProperty("type").GetString());
        var codes = created.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[0-9a-f]{16}$", c));
        Assert.Equal(HttpStatusCode.OK, await VerifyBackupCodeAsync(userId, codes[3]));
        Assert.Equal(HttpStatusCode.BadRequest, await VerifyBackupCodeAsync(userId, codes[3]));
    }

    [Fact]
    public async Task CreateBackupCodes_AgainWithGivenCodes_ReplacesTheSet_OldCodesStopWorking()
    {
        var userId = NewUserId();
        await CreateAsync(userId, new { type = "Totp" });
        var first = (await CreateAsync(userId, new { type = "BackupCode" })).GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var given = Enumerable.Range(0, 10).Select(_ => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))).ToArray();

        var second = await CreateAsync(userId, new { type = "BackupCode", codes = given });

        Assert.Equal(given.Select(c => c.ToLowerInvariant()), second.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, await VerifyBackupCodeAsync(userId, first[0]));
        Assert.Equal(HttpStatusCode.OK, await VerifyBackupCodeAsync(userId, given[0]));
        var list = await ListAsync(userId);
        Assert.Equal(9, list.EnumerateArray().Single(v => v.GetProperty("type").GetString() == "BackupCode").GetProperty("remainCodes").GetInt32());
        Assert.Equal(2, list.GetArrayLength());
    }

    public static TheoryData<string[]> MalformedCodeSets => new()
    {
        Enumerable.Range(0, 9).Select(i => $"{i:x16}").ToArray(), // nine codes
        Enumerable.Range(0, 11).Select(i => $"{i:x16}").ToArray(), // eleven
        Enumerable.Range(0, 10).Select(i => $"{i:x10}").ToArray(), // Logto's 10-character codes (40 bits)
        Enumerable.Range(0, 10).Select(i => i == 0 ? "zzzzzzzzzzzzzzzz" : $"{i:x16}").ToArray(), // not hex
        Enumerable.Range(0, 10).Select(i => $"{i % 5:x16}").ToArray(), // duplicates
    };

    [Theory]
    [MemberData(nameof(MalformedCodeSets))]
    public async Task CreateBackupCodes_WithMalformedCodes_Returns422WrongBackupCodeFormat(string[] codes)
    {
        var userId = NewUserId();
        await CreateAsync(userId, new { type = "Totp" });

        using var response = await _management.PostAsJsonAsync($"/api/users/{userId}/mfa-verifications", new { type = "BackupCode", codes }, Ct);

        await AssertProblemAsync(response, 422, "user.wrong_backup_code_format");
        Assert.Single((await ListAsync(userId)).EnumerateArray());
    }

    // ---------- bad requests ----------

    [Theory]
    [InlineData("""{"type":"WebAuthn"}""")]
    [InlineData("""{"type":"EmailVerificationCode"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"type":"Totp","codes":[]}""")]
    [InlineData("""{"type":"BackupCode","secret":"JBSWY3DPEHPK3PXP"}""")]
    [InlineData("""{"type":"Totp","secret":42}""")]
    [InlineData("""{"type":"Totp","name":"phone"}""")]
    [InlineData("""[]""")]
    [InlineData("""not json""")]
    [InlineData("""null""")]
    public async Task Create_WithAnInvalidBody_Returns400GuardInvalidInput(string body)
    {
        var userId = NewUserId();

        using var response = await _management.PostAsync($"/api/users/{userId}/mfa-verifications", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
        Assert.Equal(0, (await ListAsync(userId)).GetArrayLength());
    }

    // ---------- delete ----------

    [Fact]
    public async Task Delete_RemovesTheFactor_AndASecondDeleteIs404()
    {
        var userId = NewUserId();
        await CreateAsync(userId, new { type = "Totp" });
        var id = (await ListAsync(userId))[0].GetProperty("id").GetString();

        using (var deleted = await _management.DeleteAsync($"/api/users/{userId}/mfa-verifications/{id}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(0, (await ListAsync(userId)).GetArrayLength());
        using var again = await _management.DeleteAsync($"/api/users/{userId}/mfa-verifications/{id}", Ct);
        await AssertProblemAsync(again, 404, "entity.not_exists_with_id");
    }

    [Fact]
    public async Task Delete_AnotherUsersFactor_Returns404AndKeepsIt()
    {
        var owner = NewUserId();
        await CreateAsync(owner, new { type = "Totp" });
        var id = (await ListAsync(owner))[0].GetProperty("id").GetString();

        using var response = await _management.DeleteAsync($"/api/users/{NewUserId()}/mfa-verifications/{id}", Ct);

        await AssertProblemAsync(response, 404, "entity.not_exists_with_id");
        Assert.Single((await ListAsync(owner)).EnumerateArray());
    }

    // ---------- logto-configs and internal settings ----------

    [Fact]
    public async Task LogtoConfigs_ForANewUser_AreAllFalse()
    {
        var configs = await JsonOkAsync(await _management.GetAsync($"/api/users/{NewUserId()}/logto-configs", Ct));

        Assert.Equal("""{"mfa":{"enabled":false,"skipped":false,"skipMfaOnSignIn":false},"passkeySignIn":{"skipped":false}}""", configs.GetRawText());
    }

    [Fact]
    public async Task LogtoConfigs_PatchesChangeOnlyTheNamedFlags_AndSigninSeesThemThroughTheInternalApi()
    {
        var userId = NewUserId();

        await JsonOkAsync(await PatchAsync(_management, $"/api/users/{userId}/logto-configs", """{"mfa":{"skipped":true}}"""));
        await JsonOkAsync(await PatchAsync(_management, $"/api/users/{userId}/logto-configs", """{"passkeySignIn":{"skipped":true}}"""));
        var configs = await JsonOkAsync(await PatchAsync(_management, $"/api/users/{userId}/logto-configs", """{"mfa":{"skipMfaOnSignIn":true}}"""));

        Assert.Equal("""{"mfa":{"enabled":false,"skipped":true,"skipMfaOnSignIn":true},"passkeySignIn":{"skipped":true}}""", configs.GetRawText());
        Assert.Equal(configs.GetRawText(), (await JsonOkAsync(await _management.GetAsync($"/api/users/{userId}/logto-configs", Ct))).GetRawText());
        var settings = await JsonOkAsync(await _internal.GetAsync($"/internal/mfa/users/{userId}/settings", Ct));
        Assert.Equal("""{"skipped":true,"skipMfaOnSignIn":true,"passkeySkipped":true}""", settings.GetRawText());

        // Resetting "skipped" (how an admin makes the sign-in ask again) leaves the other flags alone.
        configs = await JsonOkAsync(await PatchAsync(_management, $"/api/users/{userId}/logto-configs", """{"mfa":{"skipped":false}}"""));
        Assert.Equal("""{"mfa":{"enabled":false,"skipped":false,"skipMfaOnSignIn":true},"passkeySignIn":{"skipped":true}}""", configs.GetRawText());
    }

    [Fact]
    public async Task LogtoConfigs_MfaEnabled_IsTrueExactlyWhileTheUserHasAFactor()
    {
        var userId = NewUserId();
        await CreateAsync(userId, new { type = "Totp" });
        var enabled = await JsonOkAsync(await _management.GetAsync($"/api/users/{userId}/logto-configs", Ct));
        Assert.True(enabled.GetProperty("mfa").GetProperty("enabled").GetBoolean());

        using (await _management.DeleteAsync($"/api/users/{userId}/mfa-verifications/{(await ListAsync(userId))[0].GetProperty("id").GetString()}", Ct)) { }

        var disabled = await JsonOkAsync(await _management.GetAsync($"/api/users/{userId}/logto-configs", Ct));
        Assert.False(disabled.GetProperty("mfa").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task InternalSettings_PatchChangesOnlyTheNamedFlags_AndTheManagementApiSeesThem()
    {
        var userId = NewUserId();

        await JsonOkAsync(await PatchAsync(_internal, $"/internal/mfa/users/{userId}/settings", """{"skipped":true}"""));
        var settings = await JsonOkAsync(await PatchAsync(_internal, $"/internal/mfa/users/{userId}/settings", """{"passkeySkipped":true,"skipMfaOnSignIn":null}"""));

        Assert.Equal("""{"skipped":true,"skipMfaOnSignIn":false,"passkeySkipped":true}""", settings.GetRawText());
        var configs = await JsonOkAsync(await _management.GetAsync($"/api/users/{userId}/logto-configs", Ct));
        Assert.Equal("""{"mfa":{"enabled":false,"skipped":true,"skipMfaOnSignIn":false},"passkeySignIn":{"skipped":true}}""", configs.GetRawText());
    }

    [Theory]
    [InlineData("""{"mfa":{"skipped":"yes"}}""")]
    [InlineData("""{"mfa":{"skipMfaOnSignIn":1}}""")]
    [InlineData("""{"mfa":true}""")]
    [InlineData("""{"passkeySignIn":{"skipped":"false"}}""")]
    [InlineData("""{"passkeySignIn":[]}""")]
    [InlineData("""{"mfa":{"enabled":true}}""")]
    [InlineData("""{"mfa":{"skiped":true}}""")]
    [InlineData("""{"unknown":{}}""")]
    [InlineData("""[]""")]
    [InlineData("""true""")]
    [InlineData("""null""")]
    public async Task LogtoConfigs_PatchWithWrongTypesOrUnknownProperties_Returns400GuardInvalidInput_AndChangesNothing(string body)
    {
        var userId = NewUserId();
        await JsonOkAsync(await PatchAsync(_management, $"/api/users/{userId}/logto-configs", """{"passkeySignIn":{"skipped":true}}"""));

        using var response = await PatchAsync(_management, $"/api/users/{userId}/logto-configs", body);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
        var configs = await JsonOkAsync(await _management.GetAsync($"/api/users/{userId}/logto-configs", Ct));
        Assert.Equal("""{"mfa":{"enabled":false,"skipped":false,"skipMfaOnSignIn":false},"passkeySignIn":{"skipped":true}}""", configs.GetRawText());
    }

    [Fact]
    public async Task SigninsMfaClient_ReadsAndChangesSettings_LeavingUnnamedFlagsAlone()
    {
        var userId = NewUserId();
        var client = new SigninMfaClient(_internal);

        Assert.Equal(new SigninMfaSettings(false, false, false), await client.GetSettingsAsync(userId, Ct));
        Assert.Equal(new SigninMfaSettings(true, false, false), await client.UpdateSettingsAsync(userId, true, null, null, Ct));
        Assert.Equal(new SigninMfaSettings(true, true, true), await client.UpdateSettingsAsync(userId, null, true, true, Ct));
        Assert.Equal(new SigninMfaSettings(false, true, true), await client.UpdateSettingsAsync(userId, false, null, null, Ct));
        Assert.Equal(new SigninMfaSettings(false, true, true), await client.GetSettingsAsync(userId, Ct));
    }

    [Theory]
    [InlineData("""{"skipped":"true"}""")]
    [InlineData("""{"passkeySkipped":0}""")]
    [InlineData("""{"mfa":{"skipped":true}}""")]
    public async Task InternalSettings_PatchWithWrongTypesOrUnknownProperties_Returns400GuardInvalidInput(string body)
    {
        using var response = await PatchAsync(_internal, $"/internal/mfa/users/{NewUserId()}/settings", body);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    // ---------- user deletion ----------

    [Fact]
    public async Task DeletingTheUserInAccount_WipesTheirFactorsCodesCeremoniesAndSettings()
    {
        var user = await CreateUserAsync(_management, new { username = UniqueName("mfa") });
        var userId = user.GetProperty("id").GetString()!;
        await CreateAsync(userId, new { type = "Totp" });
        await CreateAsync(userId, new { type = "BackupCode" });
        await JsonOkAsync(await PatchAsync(_management, $"/api/users/{userId}/logto-configs", """{"mfa":{"skipMfaOnSignIn":true}}"""));
        using (var pending = await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/webauthn/registrations", new { }, Ct))
            Assert.Equal(HttpStatusCode.Created, pending.StatusCode);
        Assert.Equal(4, await MfaRowsAsync(userId));

        using (var deleted = await _management.DeleteAsync($"/api/users/{userId}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await Eventually.TrueAsync(async () => await MfaRowsAsync(userId) == 0, TimeSpan.FromSeconds(60), "mfa's purge of the deleted user");
        Assert.Equal(0, (await ListAsync(userId)).GetArrayLength());
        var configs = await JsonOkAsync(await _management.GetAsync($"/api/users/{userId}/logto-configs", Ct));
        Assert.Equal("""{"mfa":{"enabled":false,"skipped":false,"skipMfaOnSignIn":false},"passkeySignIn":{"skipped":false}}""", configs.GetRawText());
    }

    /// <summary>How many kinds of row mfa holds for the user: factors, backup codes, ceremonies, settings (0 to 4).</summary>
    private async Task<int> MfaRowsAsync(string userId)
    {
        await using var connection = new NpgsqlConnection(Stack.ConnectionString("mfadb"));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) > 0 FROM mfa_factors WHERE user_id = $1)::int + (SELECT count(*) > 0 FROM mfa_backup_codes WHERE user_id = $1)::int
                 + (SELECT count(*) > 0 FROM mfa_challenges WHERE user_id = $1)::int + (SELECT count(*) > 0 FROM mfa_user_settings WHERE user_id = $1)::int
            """, connection);
        command.Parameters.AddWithValue(userId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    // ---------- authorization ----------

    public static TheoryData<string, string> ManagementRoutes => new()
    {
        { "GET", "/api/users/u1/mfa-verifications" },
        { "POST", "/api/users/u1/mfa-verifications" },
        { "DELETE", "/api/users/u1/mfa-verifications/f1" },
        { "GET", "/api/users/u1/logto-configs" },
        { "PATCH", "/api/users/u1/logto-configs" },
    };

    [Theory]
    [MemberData(nameof(ManagementRoutes))]
    public async Task ManagementRoutes_WithoutAToken_Return401(string method, string path)
    {
        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };
        using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) }, Ct);

        await AssertProblemAsync(response, 401, "auth.unauthorized");
    }

    [Theory]
    [MemberData(nameof(ManagementRoutes))]
    public async Task ManagementRoutes_WithAServiceToken_Return403(string method, string path)
    {
        using var service = new HttpClient { BaseAddress = Stack.GatewayUrl };
        service.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Stack.ServiceTokenAsync(Ct));
        using var response = await service.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) }, Ct);

        await AssertProblemAsync(response, 403, "auth.forbidden");
    }

    [Fact]
    public async Task InternalSettings_WithAManagementToken_Return403()
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("mfa") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ManagementTokenAsync(Stack));

        using var response = await http.GetAsync($"/internal/mfa/users/{NewUserId()}/settings", Ct);

        await AssertProblemAsync(response, 403, "auth.forbidden");
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheManagementRoutesAndBothCreationShapes()
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("mfa") };

        var document = await JsonOkAsync(await http.GetAsync("/openapi/v1.json", Ct));

        var paths = document.GetProperty("paths");
        var post = paths.GetProperty("/api/users/{userId}/mfa-verifications").GetProperty("post");
        Assert.True(post.GetProperty("responses").TryGetProperty("422", out _));
        var created = document.GetProperty("components").GetProperty("schemas").GetProperty("MfaVerificationCreated").GetProperty("properties");
        Assert.Equal(["type", "secret", "secretQrCode", "codes"], created.EnumerateObject().Select(p => p.Name));
        Assert.True(paths.GetProperty("/api/users/{userId}/mfa-verifications/{verificationId}").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/api/users/{userId}/logto-configs").TryGetProperty("patch", out _));
    }

    // ---------- helpers ----------

    /// <summary>Looks like account's ids (12 lower-case alphanumerics) without being one: mfa does not check the directory.</summary>
    private static string NewUserId() => "m" + Guid.NewGuid().ToString("N")[..11];

    private async Task<JsonElement> ListAsync(string userId) => await JsonOkAsync(await _management.GetAsync($"/api/users/{userId}/mfa-verifications", Ct));

    private async Task<JsonElement> CreateAsync(string userId, object body) =>
        await JsonOkAsync(await _management.PostAsJsonAsync($"/api/users/{userId}/mfa-verifications", body, Ct));

    private static Task<HttpResponseMessage> PatchAsync(HttpClient http, string path, string json) =>
        http.PatchAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private async Task<HttpStatusCode> VerifyBackupCodeAsync(string userId, string code)
    {
        using var response = await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/backup-codes/verify", new { code }, Ct);
        return response.StatusCode;
    }

    private async Task BindTotpInternallyAsync(string userId)
    {
        var enrolment = await JsonOkAsync(await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/totp/enrolments", new { }, Ct), HttpStatusCode.Created);
        var id = enrolment.GetProperty("enrolmentId").GetString();
        var code = TotpAlgorithm.Code(Base32.Decode(enrolment.GetProperty("secret").GetString()!), DateTimeOffset.UtcNow);
        await JsonOkAsync(await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/totp/enrolments/{id}/verify", new { code }, Ct));
        await JsonOkAsync(await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/enrolments/{id}/bind", new { }, Ct), HttpStatusCode.Created);
    }

    private async Task<string[]> BindBackupCodesInternallyAsync(string userId)
    {
        var enrolment = await JsonOkAsync(await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/backup-codes/enrolments", new { }, Ct), HttpStatusCode.Created);
        await JsonOkAsync(await _internal.PostAsJsonAsync($"/internal/mfa/users/{userId}/enrolments/{enrolment.GetProperty("enrolmentId").GetString()}/bind", new { }, Ct),
            HttpStatusCode.Created);
        return [.. enrolment.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)];
    }

    private static async Task<JsonElement> JsonOkAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
