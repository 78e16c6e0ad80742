using Auth.Platform.Account.Verifications;

namespace Auth.Platform.UnitTests.Account;

/// <summary>Which verification records count as step-up (Logto's <c>identityVerified</c> rule).</summary>
public sealed class VerificationRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 22, 0, 0, TimeSpan.Zero);

    private static VerificationRecord Record(string type = VerificationRecordTypes.Password, bool verified = true, string userId = "alice0000001",
        TimeSpan? age = null) => new()
    {
        Id = VerificationRecord.NewId(), UserId = userId, Type = type, IsVerified = verified,
        CreatedAt = Now - (age ?? TimeSpan.Zero), ExpiresAt = Now - (age ?? TimeSpan.Zero) + VerificationRecord.Lifetime,
    };

    [Fact]
    public void AVerifiedPasswordRecordOfTheUser_WithinTenMinutes_IsStepUp() =>
        Assert.True(Record(age: TimeSpan.FromMinutes(9)).IsStepUpFor("alice0000001", Now));

    [Fact]
    public void ARecordTenMinutesOld_HasExpired() =>
        Assert.False(Record(age: TimeSpan.FromMinutes(10)).IsStepUpFor("alice0000001", Now));

    [Fact]
    public void AnotherUsersRecord_IsNotStepUp() =>
        Assert.False(Record(userId: "mallory00001").IsStepUpFor("alice0000001", Now));

    [Fact]
    public void AnUnverifiedRecord_IsNotStepUp() =>
        Assert.False(Record(verified: false).IsStepUpFor("alice0000001", Now));

    [Theory]
    [InlineData("BindNewIdentifier")]
    [InlineData("Social")]
    public void ARecordAboutANewIdentifier_IsNotStepUp(string type) =>
        Assert.False(Record(type: type).IsStepUpFor("alice0000001", Now));

    [Fact]
    public void Ids_Are21LowercaseAlphanumerics_AndDistinct()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => VerificationRecord.NewId()).ToList();
        Assert.All(ids, id => Assert.Matches("^[a-z0-9]{21}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
