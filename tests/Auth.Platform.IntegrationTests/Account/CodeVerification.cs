using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Verification by code as a user does it: ask for a code at <c>/api/verifications/verification-code</c>, read it where a
/// person would (maildev for email, notification's development SMS inbox for phones), send it back to <c>…/verify</c>.
/// </summary>
internal static class CodeVerification
{
    public static string NewEmail() => UniqueName("code") + "@example.com";

    /// <summary>Gives the user a primary email through the Management API (as an admin or a sign-up would).</summary>
    public static async Task SetPrimaryEmailAsync(PlatformStack stack, SignedInUser user, string email)
    {
        using var management = await ManagementClientAsync(stack);
        using var response = await management.PatchAsJsonAsync($"/api/users/{user.UserId}", new { primaryEmail = email }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <returns>The record id of <c>POST /api/verifications/verification-code</c> (asserted 201).</returns>
    public static async Task<string> SendCodeAsync(this MyAccountSession session, SignedInUser user, string type, string value)
    {
        using var response = await session.SendAsync(HttpMethod.Post, "/api/verifications/verification-code", user.AccessToken,
            new { identifier = new { type, value } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await ReadJsonAsync(response)).GetProperty("verificationRecordId").GetString()!;
    }

    public static Task<HttpResponseMessage> VerifyCodeAsync(this MyAccountSession session, SignedInUser user, string type, string value,
        string verificationId, string code) =>
        session.SendAsync(HttpMethod.Post, "/api/verifications/verification-code/verify", user.AccessToken,
            new { identifier = new { type, value }, verificationId, code });

    /// <summary>A verified code record for <paramref name="value"/>: send, read the code, verify.</summary>
    public static async Task<string> ProveAsync(this MyAccountSession session, PlatformStack stack, SignedInUser user, string type, string value)
    {
        var sent = type == "email" ? (await stack.MailToAsync(value, Ct)).Count : 0;
        var id = await session.SendCodeAsync(user, type, value);
        var code = type == "email" ? await EmailCodeAsync(stack, value, sent + 1) : await SmsCodeAsync(stack, value);
        using var verified = await session.VerifyCodeAsync(user, type, value, id, code);
        Assert.True(verified.StatusCode == HttpStatusCode.OK, await verified.Content.ReadAsStringAsync(Ct));
        return id;
    }

    /// <summary>The code in the newest of at least <paramref name="count"/> messages to the address.</summary>
    public static async Task<string> EmailCodeAsync(PlatformStack stack, string email, int count = 1) =>
        DevInbox.CodeIn((await stack.MailToAsync(email, count, Ct))[^1].Text);

    /// <summary>The code in the newest development SMS to the phone (notification keeps them in Development).</summary>
    public static async Task<string> SmsCodeAsync(PlatformStack stack, string phone)
    {
        using var http = new HttpClient { BaseAddress = stack.ServiceUrl("notification") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await stack.ServiceTokenAsync(Ct));
        var text = await Eventually.ReturnsAsync(async () =>
            await http.GetFromJsonAsync<JsonElement>("/internal/dev/sms?to=" + Uri.EscapeDataString(phone), Ct) is { ValueKind: JsonValueKind.Array } m
            && m.GetArrayLength() > 0 ? m[0].GetProperty("text").GetString() : null, TimeSpan.FromSeconds(10), "an SMS to " + phone);
        return DevInbox.CodeIn(text!);
    }
}
