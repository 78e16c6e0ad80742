using System.Security.Cryptography;
using Auth.Platform.Signin.Oidc;

namespace Auth.Platform.UnitTests.Signin;

public class ClientSecretHasherTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Verify_WithTheSameSecret_ReturnsTrue()
    {
        var secret = ClientSecretHasher.NewSecret();
        Assert.True(ClientSecretHasher.Verify(Key, secret, ClientSecretHasher.Hash(Key, secret)));
    }

    [Fact]
    public void Verify_WithAnotherSecret_ReturnsFalse() =>
        Assert.False(ClientSecretHasher.Verify(Key, "other", ClientSecretHasher.Hash(Key, "secret")));

    [Fact]
    public void Verify_WithAnotherServerKey_ReturnsFalse() =>
        Assert.False(ClientSecretHasher.Verify(RandomNumberGenerator.GetBytes(32), "secret", ClientSecretHasher.Hash(Key, "secret")));

    [Theory]
    [InlineData("")]
    [InlineData("secret")]
    [InlineData("hmac-sha256$")]
    [InlineData("hmac-sha256$not-base64!")]
    [InlineData("hmac-sha256$AAAA")]
    [InlineData("AQAAAAEAACcQAAAAE...pbkdf2-style")]
    public void Verify_WithAStoredValueInAnotherFormat_ReturnsFalse(string stored) =>
        Assert.False(ClientSecretHasher.Verify(Key, "secret", stored));

    [Fact]
    public void Hash_IsDeterministicForOneKeyAndPrefixed()
    {
        var hash = ClientSecretHasher.Hash(Key, "secret");
        Assert.Equal(hash, ClientSecretHasher.Hash(Key, "secret"));
        Assert.StartsWith(ClientSecretHasher.Prefix, hash);
        Assert.DoesNotContain("secret", hash[ClientSecretHasher.Prefix.Length..]);
    }

    [Fact]
    public void NewSecret_Is32AlphanumericCharactersAndUnique()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => ClientSecretHasher.NewSecret()).ToList();
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9]{32}$", s));
        Assert.Equal(100, secrets.Distinct().Count());
    }
}
