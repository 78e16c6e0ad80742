using Auth.Platform.Notification.Delivery;
using Auth.Platform.Notification.VerificationCodes;

namespace Auth.Platform.UnitTests.Notification;

public sealed class VerificationCodeTests
{
    [Fact]
    public void NewCode_IsAlwaysSixDigits()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => CodeHasher.NewCode()).ToList();

        Assert.All(codes, c => Assert.Matches("^[0-9]{6}$", c));
        // 2000 draws from a million values: a constant or low-entropy generator would repeat far more.
        Assert.True(codes.Distinct().Count() > 1990);
        Assert.Contains(codes, c => c.StartsWith('0')); // leading zeros are kept (about 10% of draws)
    }

    [Fact]
    public void Hash_OfTheSameCode_MatchesOnlyWithTheSameSaltAndId()
    {
        var salt = CodeHasher.NewSalt();
        var hash = CodeHasher.Hash(salt, "id1", "123456");

        Assert.True(CodeHasher.Matches(salt, "id1", "123456", hash));
        Assert.False(CodeHasher.Matches(salt, "id1", "123457", hash));
        Assert.False(CodeHasher.Matches(salt, "id2", "123456", hash));
        Assert.False(CodeHasher.Matches(CodeHasher.NewSalt(), "id1", "123456", hash));
    }

    [Fact]
    public void Hash_NeverContainsTheCode()
    {
        var hash = CodeHasher.Hash(CodeHasher.NewSalt(), "id", "424242");

        Assert.Equal(32, hash.Length);
        Assert.DoesNotContain("424242", Convert.ToHexString(hash) + System.Text.Encoding.UTF8.GetString(hash));
    }

    [Fact]
    public void NewSalt_IsRandomPerRow() => Assert.NotEqual(CodeHasher.NewSalt(), CodeHasher.NewSalt());

    [Theory]
    [InlineData("email", " Alice@Example.COM ", "alice@example.com")]
    [InlineData("email", "not-an-email", null)]
    [InlineData("sms", "+33 6 12-34-56-78", "+33612345678")]
    [InlineData("sms", "12ab", null)]
    [InlineData("sms", "", null)]
    public void NormalizeRecipient_FoldsEmailAndStripsPhoneSeparators(string channel, string input, string? expected) =>
        Assert.Equal(expected, VerificationCodesApi.NormalizeRecipient(channel, input));
}

public sealed class MessageTemplatesTests
{
    public static TheoryData<string, string> EveryPurposeAndLocale()
    {
        var data = new TheoryData<string, string>();
        foreach (var purpose in MessageTemplates.Purposes)
            foreach (var locale in MessageTemplates.Locales) data.Add(purpose, locale);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPurposeAndLocale))]
    public void Render_EveryPurposeAndLocale_HasSubjectCodeAndLifetime(string purpose, string locale)
    {
        var message = MessageTemplates.Render(purpose, locale, "012345", TimeSpan.FromMinutes(10));

        Assert.False(string.IsNullOrWhiteSpace(message.Subject));
        Assert.Contains("012345", message.Text);
        Assert.Contains("10 minutes", message.Text);
    }

    [Fact]
    public void Render_SignInInEnglish_IsTheEnglishText()
    {
        var message = MessageTemplates.Render("SignIn", "en", "654321", TimeSpan.FromSeconds(600));

        Assert.Equal("Your sign-in code", message.Subject);
        Assert.Equal("Use this code to sign in: 654321\n\nThis code expires in 10 minutes. If you did not request it, you can ignore this message.\n", message.Text);
    }

    [Fact]
    public void Render_ForgotPasswordInFrench_IsTheFrenchText()
    {
        var message = MessageTemplates.Render("ForgotPassword", "fr", "654321", TimeSpan.FromSeconds(300));

        Assert.Equal("Votre code de réinitialisation du mot de passe", message.Subject);
        Assert.StartsWith("Utilisez ce code pour réinitialiser votre mot de passe : 654321", message.Text);
        Assert.Contains("Ce code expire dans 5 minutes.", message.Text);
    }

    [Theory]
    [InlineData(null, "en")]
    [InlineData("de", "en")]
    [InlineData("fr-CA", "fr")]
    [InlineData("FR", "fr")]
    public void NormalizeLocale_FallsBackToEnglish(string? locale, string expected) =>
        Assert.Equal(expected, MessageTemplates.NormalizeLocale(locale));

    [Fact]
    public void Render_LifetimeUnderAMinute_SaysOneMinute() =>
        Assert.Contains("expires in 1 minute.", MessageTemplates.Render("Generic", "en", "000000", TimeSpan.FromSeconds(30)).Text);
}

public sealed class EmailSenderTests
{
    [Fact]
    public async Task Send_WithoutSmtpHost_IsSkippedNotFailed()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var sender = new EmailSender(configuration, Microsoft.Extensions.Logging.Abstractions.NullLogger<EmailSender>.Instance);

        var outcome = await sender.SendAsync("alice@example.com", new RenderedMessage("s", "t"), TestContext.Current.CancellationToken);

        Assert.Equal(SendOutcome.Skipped, outcome);
    }
}
