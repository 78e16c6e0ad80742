using System.Security.Cryptography;
using System.Text;
using Auth.Platform.Mfa.BackupCodes;
using Auth.Platform.Mfa.Totp;

namespace Auth.Platform.UnitTests.Mfa;

public sealed class TotpTests
{
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    /// <summary>RFC 6238 Appendix B (8 digits, 30 s steps).</summary>
    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void Code_MatchesRfc6238TestVectors(long unixTime, string sha1, string sha256, string sha512)
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(unixTime);
        Assert.Equal(sha1, TotpAlgorithm.Code(Sha1Seed, time, 8, HashAlgorithmName.SHA1));
        Assert.Equal(sha256, TotpAlgorithm.Code(Sha256Seed, time, 8, HashAlgorithmName.SHA256));
        Assert.Equal(sha512, TotpAlgorithm.Code(Sha512Seed, time, 8, HashAlgorithmName.SHA512));
    }

    [Fact]
    public void Hotp_MatchesRfc4226TestVectors()
    {
        string[] expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
        Assert.Equal(expected, Enumerable.Range(0, 10).Select(i => TotpAlgorithm.Hotp(Sha1Seed, i)));
    }

    [Theory]
    [InlineData(-30, true)]
    [InlineData(0, true)]
    [InlineData(30, true)]
    [InlineData(-60, false)]
    [InlineData(60, false)]
    public void Match_AcceptsOneStepEitherSideOnly(int offsetSeconds, bool accepted)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_010);
        var code = TotpAlgorithm.Code(Sha1Seed, now.AddSeconds(offsetSeconds));
        Assert.Equal(accepted, TotpAlgorithm.Match(Sha1Seed, code, now, null) is not null);
    }

    [Fact]
    public void Match_RefusesACodeOfTheLastUsedStepOrEarlier()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_010);
        var code = TotpAlgorithm.Code(Sha1Seed, now);
        var step = TotpAlgorithm.Match(Sha1Seed, code, now, null);
        Assert.Equal(TotpAlgorithm.TimeStep(now), step);
        Assert.Null(TotpAlgorithm.Match(Sha1Seed, code, now, step));
        Assert.Null(TotpAlgorithm.Match(Sha1Seed, TotpAlgorithm.Code(Sha1Seed, now.AddSeconds(-30)), now, step));
        Assert.NotNull(TotpAlgorithm.Match(Sha1Seed, TotpAlgorithm.Code(Sha1Seed, now.AddSeconds(30)), now, step));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    [InlineData("١٢٣٤٥٦")]
    public void Match_RefusesInputThatIsNotSixAsciiDigits(string code) =>
        Assert.Null(TotpAlgorithm.Match(Sha1Seed, code, DateTimeOffset.UtcNow, null));

    [Fact]
    public void Base32_EncodesRfc4648VectorsAndRoundTrips()
    {
        Assert.Equal("MZXW6YTBOI", Base32.Encode("foobar"u8));
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Base32.Encode(Sha1Seed));
        var secret = TotpAlgorithm.NewSecret();
        Assert.Equal(20, secret.Length);
        Assert.Equal(32, Base32.Encode(secret).Length);
        Assert.Equal(secret, Base32.Decode(Base32.Encode(secret)));
    }

    [Fact]
    public void OtpAuthUri_HasTheKeyUriFormatParameters() =>
        Assert.Equal("otpauth://totp/Auth.Platform:alice%40example.com?secret=ABC&issuer=Auth.Platform&algorithm=SHA1&digits=6&period=30",
            TotpAlgorithm.OtpAuthUri("ABC", "Auth.Platform", "alice@example.com"));

    [Fact]
    public void QrCode_IsAPngDataUri()
    {
        var uri = TotpQrCode.DataUri("otpauth://totp/x:y?secret=ABC");
        Assert.StartsWith("data:image/png;base64,", uri);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(uri["data:image/png;base64,".Length..])[..4]);
    }
}

public sealed class BackupCodeTests
{
    [Fact]
    public void NewCodes_AreTenDistinct64BitHexCodes()
    {
        var codes = BackupCodeGenerator.NewCodes();
        Assert.Equal(10, codes.Length);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[0-9a-f]{16}$", c));
    }

    [Theory]
    [InlineData("0123-4567-89AB-cdef", "0123456789abcdef")]
    [InlineData(" 0123 4567 89ab cdef ", "0123456789abcdef")]
    [InlineData("0123456789abcde", null)]
    [InlineData("0123456789abcdeg", null)]
    [InlineData(null, null)]
    public void Normalize_IgnoresCaseSpacesAndDashesOnly(string? input, string? expected) => Assert.Equal(expected, BackupCodeGenerator.Normalize(input));

    [Fact]
    public void Hash_IsSaltedAndVerifies()
    {
        var (salt1, hash1) = BackupCodeGenerator.Hash("0123456789abcdef");
        var (_, hash2) = BackupCodeGenerator.Hash("0123456789abcdef");
        Assert.NotEqual(hash1, hash2);
        Assert.True(BackupCodeGenerator.Matches(salt1, hash1, "0123456789abcdef"));
        Assert.False(BackupCodeGenerator.Matches(salt1, hash1, "0123456789abcdee"));
    }
}
