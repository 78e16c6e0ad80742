using System.Text.RegularExpressions;
using Auth.Platform.Account.Passwords;

namespace Auth.Platform.UnitTests.Account;

public class PasswordHasherTests
{
    // Produced by the reference implementation (Debian's argon2 CLI, libargon2 20171227):
    //   echo -n "correct horse" | argon2 c29tZXNhbHRzb21lc2FsdA -id -t 5 -k 7168 -p 1 -l 32 -e
    private const string ReferenceHashAtCurrentParameters =
        "$argon2id$v=19$m=7168,t=5,p=1$YzI5dFpYTmhiSFJ6YjIxbGMyRnNkQQ$dIIurbwsUvkuyB58CzY9V/fmRQBNScOwkc+SSwhpVeg";

    //   echo -n "correct horse" | argon2 saltsaltsaltsalt -id -t 2 -k 4096 -p 1 -l 32 -e
    private const string ReferenceHashAtWeakerParameters =
        "$argon2id$v=19$m=4096,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$KBJSI6BT3NyMAUsaKLL9Pzdt9MAPhw9LJEM85dOvTig";

    private readonly PasswordHasher _hasher = new();

    [Fact]
    public async Task Hash_WithCurrentParameters_ProducesPhcStringThatStoresThem()
    {
        var phc = await _hasher.HashAsync("correct horse", TestContext.Current.CancellationToken);

        Assert.Matches(new Regex(@"^\$argon2id\$v=19\$m=7168,t=5,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$"), phc);
    }

    [Fact]
    public async Task Verify_HashJustProduced_Succeeds()
    {
        var phc = await _hasher.HashAsync("correct horse", TestContext.Current.CancellationToken);

        Assert.Equal(PasswordVerification.Success, await _hasher.VerifyAsync(phc, "correct horse", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Hash_SamePasswordTwice_UsesDifferentSalts()
    {
        var first = await _hasher.HashAsync("correct horse", TestContext.Current.CancellationToken);
        var second = await _hasher.HashAsync("correct horse", TestContext.Current.CancellationToken);

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("correct horsE")]
    [InlineData("correct horse ")]
    [InlineData("")]
    public async Task Verify_WithWrongPassword_Fails(string password) =>
        Assert.Equal(PasswordVerification.Failed, await _hasher.VerifyAsync(ReferenceHashAtCurrentParameters, password, TestContext.Current.CancellationToken));

    [Fact]
    public async Task Verify_HashFromReferenceImplementation_Succeeds() =>
        Assert.Equal(PasswordVerification.Success,
            await _hasher.VerifyAsync(ReferenceHashAtCurrentParameters, "correct horse", TestContext.Current.CancellationToken));

    [Fact]
    public async Task Verify_HashWithWeakerParameters_ReadsThemFromTheStringAndFlagsRehash() =>
        Assert.Equal(PasswordVerification.SuccessRehashNeeded,
            await _hasher.VerifyAsync(ReferenceHashAtWeakerParameters, "correct horse", TestContext.Current.CancellationToken));

    [Fact]
    public async Task Verify_AfterCurrentParametersRose_FlagsRehashOfOlderHash()
    {
        var stronger = new PasswordHasher(new Argon2Parameters(7168, 6, 1));

        Assert.Equal(PasswordVerification.SuccessRehashNeeded,
            await stronger.VerifyAsync(ReferenceHashAtCurrentParameters, "correct horse", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task VerifyDummy_AnyPassword_Fails() =>
        Assert.Equal(PasswordVerification.Failed, await _hasher.VerifyDummyAsync("correct horse", TestContext.Current.CancellationToken));

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$argon2i$v=19$m=7168,t=5,p=1$YzI5dFpYTmhiSFJ6YjIxbGMyRnNkQQ$dIIurbwsUvkuyB58CzY9V/fmRQBNScOwkc+SSwhpVeg")]
    [InlineData("$argon2id$v=16$m=7168,t=5,p=1$YzI5dFpYTmhiSFJ6YjIxbGMyRnNkQQ$dIIurbwsUvkuyB58CzY9V/fmRQBNScOwkc+SSwhpVeg")]
    [InlineData("$argon2id$v=19$m=7168,t=5$YzI5dFpYTmhiSFJ6YjIxbGMyRnNkQQ$dIIurbwsUvkuyB58CzY9V/fmRQBNScOwkc+SSwhpVeg")]
    [InlineData("$argon2id$v=19$m=7168,t=5,p=1,p=1$YzI5dFpYTmhiSFJ6YjIxbGMyRnNkQQ$dIIurbwsUvkuyB58CzY9V/fmRQBNScOwkc+SSwhpVeg")]
    [InlineData("$argon2id$v=19$m=99999999,t=5,p=1$YzI5dFpYTmhiSFJ6YjIxbGMyRnNkQQ$dIIurbwsUvkuyB58CzY9V/fmRQBNScOwkc+SSwhpVeg")]
    [InlineData("$argon2id$v=19$m=7168,t=5,p=1$YzI5dFpYTmhiSFJ6YjIxbGMyRnNkQQ==$dIIurbwsUvkuyB58CzY9V/fmRQBNScOwkc+SSwhpVeg")]
    [InlineData("$argon2id$v=19$m=7168,t=5,p=1$!!!$dIIurbwsUvkuyB58CzY9V/fmRQBNScOwkc+SSwhpVeg")]
    public async Task Verify_MalformedOrUnsupportedHash_FailsWithoutThrowing(string phc) =>
        Assert.Equal(PasswordVerification.Failed, await _hasher.VerifyAsync(phc, "correct horse", TestContext.Current.CancellationToken));

    [Fact]
    public void TryParse_ReferenceHash_ReadsParametersAndRoundTrips()
    {
        Assert.True(PhcString.TryParse(ReferenceHashAtWeakerParameters, out var phc));

        Assert.Equal(new Argon2Parameters(4096, 2, 1), phc!.Parameters);
        Assert.Equal("saltsaltsaltsalt"u8.ToArray(), phc.Salt);
        Assert.Equal(32, phc.Hash.Length);
        Assert.Equal(ReferenceHashAtWeakerParameters, phc.ToString());
    }
}
