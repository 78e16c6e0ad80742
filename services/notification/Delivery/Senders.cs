using System.Net.Http.Headers;
using Auth.Platform.Notification.Data;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Auth.Platform.Notification.Delivery;

public enum SendOutcome { Sent, Skipped }

/// <summary>Email over SMTP (MailKit): <c>Smtp:Host</c>, <c>Smtp:Port</c>, <c>Smtp:From</c>, optional <c>Smtp:Username</c>/<c>Smtp:Password</c>.</summary>
public sealed class EmailSender(IConfiguration configuration, ILogger<EmailSender> logger)
{
    public async Task<SendOutcome> SendAsync(string to, RenderedMessage message, CancellationToken ct)
    {
        if (configuration["Smtp:Host"] is not { Length: > 0 } host)
        {
            logger.LogWarning("Smtp:Host is not configured: the email to {Recipient} was not sent", Mask(to));
            return SendOutcome.Skipped;
        }
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(configuration["Smtp:From"] ?? "no-reply@localhost"));
        mime.To.Add(MailboxAddress.Parse(to));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.Text };

        using var client = new SmtpClient { Timeout = 10_000 };
        // Auto: STARTTLS when the server offers it, plain otherwise (the development sink offers none).
        await client.ConnectAsync(host, configuration.GetValue("Smtp:Port", 25), SecureSocketOptions.Auto, ct);
        if (configuration["Smtp:Username"] is { Length: > 0 } user) await client.AuthenticateAsync(user, configuration["Smtp:Password"] ?? "", ct);
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(true, ct);
        return SendOutcome.Sent;
    }

    internal static string Mask(string recipient) => recipient.Length <= 4 ? "***" : recipient[..2] + "***" + recipient[^2..];
}

/// <summary>
/// SMS through a configurable HTTP provider (<c>Sms:Endpoint</c>, POST JSON <c>{to, text}</c>, optional bearer
/// <c>Sms:Token</c>). Without an endpoint, Development keeps the message in the dev inbox; elsewhere it is skipped.
/// </summary>
public sealed class SmsSender(IConfiguration configuration, IHttpClientFactory http, IHostEnvironment environment,
    NotificationDbContext db, TimeProvider clock, EmailSender email, ILogger<SmsSender> logger)
{
    public const string HttpClientName = "sms-provider";

    public async Task<SendOutcome> SendAsync(string to, RenderedMessage message, CancellationToken ct)
    {
        if (configuration["Sms:Endpoint"] is not { Length: > 0 } endpoint)
        {
            if (environment.IsDevelopment())
            {
                db.DevSmsMessages.Add(new DevSmsMessage { To = to, Text = message.Text, CreatedAt = clock.GetUtcNow() });
                await db.SaveChangesAsync(ct);
                // A copy in the development mail inbox (maildev's web page), so a person can finish a phone flow by hand.
                if (configuration["Smtp:Host"] is { Length: > 0 })
                {
                    try { await email.SendAsync(DevInboxAddress(to), message with { Subject = "SMS to " + to }, ct); }
                    catch (Exception e) when (e is not OperationCanceledException) { logger.LogWarning(e, "Could not copy the SMS to the development mail inbox"); }
                }
                return SendOutcome.Sent;
            }
            logger.LogWarning("Sms:Endpoint is not configured: the SMS to {Recipient} was not sent", EmailSender.Mask(to));
            return SendOutcome.Skipped;
        }
        using var client = http.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = JsonContent.Create(new { to, text = message.Text }) };
        if (configuration["Sms:Token"] is { Length: > 0 } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return SendOutcome.Sent;
    }

    /// <summary>Where the development copy of an SMS to <paramref name="phone"/> lands in the mail inbox: <c>sms+33612345678@sms.localhost</c>.</summary>
    public static string DevInboxAddress(string phone) => "sms" + phone.TrimStart('+') + "@sms.localhost";
}
