using System.Text.Json;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Experience.Verifications;

namespace Auth.Platform.UnitTests.Signin;

/// <summary>The interaction's named transitions (Experience/README.md's state diagram) and its one stored form.</summary>
public class InteractionTransitionsTests
{
    private static Interaction New() => new() { Id = "i1", Parameters = [new("client_id", "c1")] };
    private static VerificationRecord Code(string id) => new() { Id = id, Type = VerificationTypes.EmailVerificationCode, IdentifierType = "email", IdentifierValue = "a@example.com", Verified = true };
    private static readonly UserSnapshot Alice = new("u1", "alice", "a@example.com", null, null, true, false);

    [Fact]
    public void Identify_ThenSubmit_MovesStartedToIdentifiedToSubmitted()
    {
        var interaction = New();
        Assert.Equal(InteractionState.Started, interaction.State);
        interaction.Identify("u1", new FirstFactor(VerificationTypes.Password, "alice"), Alice);
        Assert.Equal((InteractionState.Identified, "u1", Alice), (interaction.State, interaction.UserId, interaction.User));
        interaction.Submit("s1");
        Assert.Equal((InteractionState.Submitted, "s1"), (interaction.State, interaction.SubmittedSessionId));
    }

    [Fact]
    public void StartOver_WithAnotherEvent_DropsRecordsProfileAndUser_SwitchEvent_KeepsTheRecords()
    {
        var interaction = New();
        interaction.AddRecord(Code("r1"));
        interaction.Identify("u1", null, Alice);
        interaction.SwitchEvent(InteractionEvents.Register);
        Assert.Equal((InteractionState.Started, (string?)null, (UserSnapshot?)null, 1), (interaction.State, interaction.UserId, interaction.User, interaction.VerificationRecords.Count));
        interaction.Profile.Username = "alice";
        interaction.StartOver(InteractionEvents.ForgotPassword);
        Assert.Empty(interaction.VerificationRecords);
        Assert.True(interaction.Profile.IsEmpty);
    }

    [Fact]
    public void FinishPasswordReset_GoesBackToSignInUnidentified()
    {
        var interaction = New();
        interaction.StartOver(InteractionEvents.ForgotPassword);
        interaction.Identify("u1", null);
        interaction.FinishPasswordReset();
        Assert.Equal((InteractionEvents.SignIn, InteractionState.Started, (string?)null), (interaction.Event, interaction.State, interaction.UserId));
    }

    [Fact]
    public void RememberUser_KeepsOnlyTheIdentifiedUser()
    {
        var interaction = New();
        interaction.Identify("u2", null);
        interaction.RememberUser(Alice);
        Assert.Null(interaction.User);
    }

    [Fact]
    public void AddRecord_KeepsTheTwentyMostRecent()
    {
        var interaction = New();
        for (var i = 0; i < 25; i++) interaction.AddRecord(Code("r" + i));
        Assert.Equal(20, interaction.VerificationRecords.Count);
        Assert.Equal("r5", interaction.VerificationRecords[0].Id);
    }

    [Fact]
    public void StoredForm_RoundTripsStateIdentityUserAndMfaProgress()
    {
        var interaction = New();
        interaction.StartOver(InteractionEvents.Register);
        interaction.Identify("u1", new FirstFactor(VerificationTypes.EmailVerificationCode, "a@example.com"), Alice);
        interaction.PassMfa("u1", VerificationTypes.Totp);
        interaction.Submit("s1");
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var copy = JsonSerializer.Deserialize<Interaction>(JsonSerializer.Serialize(interaction, json), json)!;
        Assert.Equal((InteractionState.Submitted, InteractionEvents.Register, "u1", "s1", Alice), (copy.State, copy.Event, copy.UserId, copy.SubmittedSessionId, copy.User));
        Assert.Equal(interaction.IdentifiedBy, copy.IdentifiedBy);
        Assert.Equal(("u1", VerificationTypes.Totp), (copy.Mfa.VerifiedUserId, copy.Mfa.VerifiedFactor));
    }

    [Theory]
    [InlineData(VerificationTypes.Password, "SignIn", true)]
    [InlineData(VerificationTypes.Password, "Register", false)]
    [InlineData(VerificationTypes.NewPasswordIdentity, "Register", true)]
    [InlineData(VerificationTypes.EmailVerificationCode, "ForgotPassword", true)]
    [InlineData(VerificationTypes.SignInPasskey, "SignIn", false)]
    [InlineData(VerificationTypes.Totp, "SignIn", false)]
    public void VerificationMethods_SayWhichVerifiedRecordsIdentifyForWhichEvent(string type, string interactionEvent, bool identifies)
    {
        Assert.Equal(identifies, VerificationMethods.CanIdentify(new VerificationRecord { Id = "r", Type = type, Verified = true }, interactionEvent));
        Assert.False(VerificationMethods.CanIdentify(new VerificationRecord { Id = "r", Type = type, Verified = false }, interactionEvent));
    }

    [Theory]
    [InlineData(VerificationTypes.Password, "pwd")]
    [InlineData(VerificationTypes.PhoneVerificationCode, "sms")]
    [InlineData(VerificationTypes.EmailVerificationCode, "otp")]
    [InlineData(VerificationTypes.BackupCode, "otp")]
    [InlineData(VerificationTypes.SignInPasskey, "hwk")]
    [InlineData(VerificationTypes.WebAuthn, "hwk")]
    public void VerificationMethods_GiveTheAmrOfEachType(string type, string amr) => Assert.Equal([amr], VerificationMethods.Amr(type));
}
