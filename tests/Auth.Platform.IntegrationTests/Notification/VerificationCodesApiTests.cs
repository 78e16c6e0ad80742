using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Account;
using Auth.Platform.Testing;
using Npgsql;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Notification;

/// <summary>
/// notification's one-time codes end to end: issued with a service token, delivered by SMTP to the stack's maildev
/// inbox (or the development SMS inbox), read back from there like a person would, and verified.
/// </summary>
public sealed class VerificationCodesApiTests(PlatformStackFixture fixture)
{
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task EmailCode_ReadFromTheInbox_VerifiesOnceThenIsGone()
    {
        var recipient = UniqueEmail();
        var created = await CreateAsync(new { purpose = "SignIn", channel = "email", recipient, interactionId = "i-" + recipient });

        var email = await InboxEmailAsync(recipient, 1);
        Assert.Equal("Your sign-in code", email[0].Subject);
        Assert.Contains("This code expires in 10 minutes.", email[0].Text);
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(created.ExpiresAt);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(540), TimeSpan.FromSeconds(601));

        using var first = await VerifyAsync(created.Id, recipient.ToUpperInvariant(), CodeIn(email[0].Text));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True((await ReadJsonAsync(first)).GetProperty("verified").GetBoolean());

        using var second = await VerifyAsync(created.Id, recipient, CodeIn(email[0].Text));
        await AssertProblemAsync(second, 400, "verification_code.not_found");
        // Sent after the answer: the row says so once the dispatcher commits (the mail may land just before).
        await Eventually.TrueAsync(async () => await DeliveryStatusesAsync(recipient) is ["sent"], TimeSpan.FromSeconds(10), "the delivery logged as sent");
    }

    [Fact]
    public async Task EmailCode_InFrench_UsesTheFrenchTemplate()
    {
        var recipient = UniqueEmail();
        await CreateAsync(new { purpose = "ForgotPassword", channel = "email", recipient, locale = "fr", interactionId = "i-fr", lifetimeSeconds = 300 });

        var email = await InboxEmailAsync(recipient, 1);
        Assert.Equal("Votre code de réinitialisation du mot de passe", email[0].Subject);
        Assert.Contains("Ce code expire dans 5 minutes.", email[0].Text);
    }

    [Fact]
    public async Task WrongCode_MaxAttemptsTimes_ThenEvenTheRightCodeExceedsMaxTry()
    {
        var recipient = UniqueEmail();
        var created = await CreateAsync(new { purpose = "Register", channel = "email", recipient, interactionId = "i-max", maxAttempts = 3 });
        var code = CodeIn((await InboxEmailAsync(recipient, 1))[0].Text);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var i = 0; i < 3; i++)
        {
            using var mismatch = await VerifyAsync(created.Id, recipient, wrong);
            await AssertProblemAsync(mismatch, 400, "verification_code.code_mismatch");
        }
        using var exceeded = await VerifyAsync(created.Id, recipient, code);
        await AssertProblemAsync(exceeded, 400, "verification_code.exceed_max_try");
    }

    [Fact]
    public async Task SecondCode_WithinTheCooldown_Is429ThenAfterItVoidsTheFirst()
    {
        var recipient = UniqueEmail();
        var body = new { purpose = "SignIn", channel = "email", recipient, interactionId = "i-void" };
        var first = await CreateAsync(body);
        var firstCode = CodeIn((await InboxEmailAsync(recipient, 1))[0].Text);

        using var tooSoon = await PostAsync("/internal/verification-codes", body);
        await AssertProblemAsync(tooSoon, 429, "verification_code.too_many_requests");
        Assert.InRange((await ReadJsonAsync(tooSoon)).GetProperty("data").GetProperty("retryAfter").GetInt32(), 1, 60);

        await AgeCodesAsync(recipient, TimeSpan.FromMinutes(2)); // the cooldown has passed
        var second = await CreateAsync(body);
        var secondCode = CodeIn((await InboxEmailAsync(recipient, 2)).Single(m => !m.Text.Contains(firstCode)).Text);

        using var voided = await VerifyAsync(first.Id, recipient, firstCode);
        await AssertProblemAsync(voided, 400, "verification_code.not_found");
        using var current = await VerifyAsync(second.Id, recipient, secondCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task ParallelWrongGuesses_CannotExceedTheAttemptCap()
    {
        var recipient = UniqueEmail();
        var created = await CreateAsync(new { purpose = "SignIn", channel = "email", recipient, interactionId = "i-par", maxAttempts = 5, deliver = false });

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await VerifyAsync(created.Id, recipient, "000000");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString();
        }));

        Assert.Equal(5, responses.Count(c => c == "verification_code.code_mismatch"));
        Assert.Equal(15, responses.Count(c => c == "verification_code.exceed_max_try"));
    }

    [Fact]
    public async Task ParallelVerifications_OfTheRightCode_SucceedOnce()
    {
        var recipient = UniqueEmail();
        var created = await CreateAsync(new { purpose = "SignIn", channel = "email", recipient, interactionId = "i-once" });
        var code = CodeIn((await InboxEmailAsync(recipient, 1))[0].Text);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await VerifyAsync(created.Id, recipient, code);
            return response.StatusCode;
        }));

        Assert.Single(statuses, HttpStatusCode.OK);
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.BadRequest, s));
    }

    [Fact]
    public async Task EleventhCodeWithinAnHour_IsRefusedEvenAfterTheCooldown()
    {
        var recipient = UniqueEmail();
        for (var i = 0; i < 10; i++)
        {
            await CreateAsync(new { purpose = "Generic", channel = "email", recipient, interactionId = "i-cap", deliver = false });
            await AgeCodesAsync(recipient, TimeSpan.FromSeconds(61)); // past the cooldown, still within the hour
        }

        using var response = await PostAsync("/internal/verification-codes", new { purpose = "Generic", channel = "email", recipient, interactionId = "i-cap", deliver = false });
        await AssertProblemAsync(response, 429, "verification_code.too_many_requests");
        Assert.InRange((await ReadJsonAsync(response)).GetProperty("data").GetProperty("retryAfter").GetInt32(), 2900, 3600);
    }

    [Fact]
    public async Task DeliverFalse_CreatesACodeButSendsNothing()
    {
        var recipient = UniqueEmail();
        var created = await CreateAsync(new { purpose = "ForgotPassword", channel = "email", recipient, interactionId = "i-silent", deliver = false });

        // A delivered one to another address, sent after it, arriving proves the sink is not just slow.
        var witness = UniqueEmail();
        await CreateAsync(new { purpose = "ForgotPassword", channel = "email", recipient = witness, interactionId = "i-witness" });
        await InboxEmailAsync(witness, 1);
        Assert.Empty(await InboxAsync(recipient));
        Assert.Empty(await DeliveryStatusesAsync(recipient));

        using var guess = await VerifyAsync(created.Id, recipient, "000000");
        await AssertProblemAsync(guess, 400, "verification_code.code_mismatch");
    }

    [Fact]
    public async Task ExpiredCode_IsRefusedAsExpired()
    {
        var recipient = UniqueEmail();
        var created = await CreateAsync(new { purpose = "Generic", channel = "email", recipient, interactionId = "i-exp", lifetimeSeconds = 60 });
        var code = CodeIn((await InboxEmailAsync(recipient, 1))[0].Text);

        await AgeCodesAsync(recipient, TimeSpan.FromMinutes(2));

        using var response = await VerifyAsync(created.Id, recipient, code);
        await AssertProblemAsync(response, 400, "verification_code.expired");
    }

    [Fact]
    public async Task VerifyWithAnotherRecipient_IsEmailMismatch()
    {
        var recipient = UniqueEmail();
        var created = await CreateAsync(new { purpose = "SignIn", channel = "email", recipient, interactionId = "i-other", deliver = false });

        using var response = await VerifyAsync(created.Id, UniqueEmail(), "123456");
        await AssertProblemAsync(response, 400, "verification_code.email_mismatch");
    }

    [Fact]
    public async Task SmsCode_LandsInTheDevelopmentInboxAndVerifies()
    {
        var phone = UniquePhone();
        var created = await CreateAsync(new { purpose = "MfaVerification", channel = "sms", recipient = phone, interactionId = "i-sms" });

        using var http = await ClientAsync();
        // Sent after the answer: wait for it in the development inbox.
        var messages = await Eventually.ReturnsAsync(async () =>
            await http.GetFromJsonAsync<JsonElement>("/internal/dev/sms?to=" + Uri.EscapeDataString(phone), Ct) is { ValueKind: JsonValueKind.Array } m
            && m.GetArrayLength() > 0 ? m.EnumerateArray().ToList() : null, TimeSpan.FromSeconds(10), "an SMS to " + phone);
        var text = Assert.Single(messages).GetProperty("text").GetString()!;
        Assert.StartsWith("Use this code to complete two-step verification:", text);

        using var response = await VerifyAsync(created.Id, phone, CodeIn(text));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"purpose":"Nope","channel":"email","recipient":"a@b.co","interactionId":"i"}""")]
    [InlineData("""{"purpose":"SignIn","channel":"fax","recipient":"a@b.co","interactionId":"i"}""")]
    [InlineData("""{"purpose":"SignIn","channel":"email","recipient":"not-an-email","interactionId":"i"}""")]
    [InlineData("""{"purpose":"SignIn","channel":"email","recipient":"a@b.co"}""")]
    [InlineData("""{"purpose":"SignIn","channel":"email","recipient":"a@b.co","interactionId":"i","lifetimeSeconds":5}""")]
    public async Task Create_WithInvalidInput_Returns400(string body)
    {
        using var http = await ClientAsync();
        using var response = await http.PostAsync("/internal/verification-codes", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task Create_WithoutServiceToken_Returns401()
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("notification") };
        using var response = await http.PostAsJsonAsync("/internal/verification-codes", new { purpose = "SignIn" }, Ct);
        await AssertProblemAsync(response, 401, "auth.unauthorized");
    }

    // ---- helpers ----

    private sealed record Created(string Id, long ExpiresAt);

    private static string UniqueEmail() => $"code-{Guid.NewGuid():N}@example.com";

    private async Task<HttpClient> ClientAsync()
    {
        var http = new HttpClient { BaseAddress = Stack.ServiceUrl("notification") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Stack.ServiceTokenAsync(Ct));
        return http;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, object body)
    {
        using var http = await ClientAsync();
        return await http.PostAsJsonAsync(path, body, Ct);
    }

    private async Task<Created> CreateAsync(object body)
    {
        using var response = await PostAsync("/internal/verification-codes", body);
        var json = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {json}");
        var root = JsonDocument.Parse(json).RootElement;
        return new Created(root.GetProperty("verificationCodeId").GetString()!, root.GetProperty("expiresAt").GetInt64());
    }

    private Task<HttpResponseMessage> VerifyAsync(string id, string recipient, string code) =>
        PostAsync("/internal/verification-codes/verify", new { verificationCodeId = id, recipient, code });

    private Task<List<InboxMessage>> InboxAsync(string recipient) => Stack.MailToAsync(recipient, Ct);

    private Task<List<InboxMessage>> InboxEmailAsync(string recipient, int count) =>
        Eventually.ReturnsAsync(async () => await InboxAsync(recipient) is { } m && m.Count >= count ? m : null,
            TimeSpan.FromSeconds(10), $"{count} email(s) to {recipient} in maildev");

    private static string CodeIn(string text) => DevInbox.CodeIn(text);

    private async Task<List<string>> DeliveryStatusesAsync(string recipient)
    {
        await using var connection = new NpgsqlConnection(Stack.ConnectionString("notificationdb"));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT status FROM deliveries WHERE recipient = @r ORDER BY id", connection);
        command.Parameters.AddWithValue("r", recipient);
        var statuses = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) statuses.Add(reader.GetString(0));
        return statuses;
    }

    /// <summary>Moves the recipient's codes into the past, instead of waiting out a cooldown or a lifetime.</summary>
    private async Task AgeCodesAsync(string recipient, TimeSpan by)
    {
        await using var connection = new NpgsqlConnection(Stack.ConnectionString("notificationdb"));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "UPDATE verification_codes SET created_at = created_at - @by, expires_at = expires_at - @by WHERE recipient = @r", connection);
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("r", recipient);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
