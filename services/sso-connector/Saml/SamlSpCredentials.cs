using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Auth.Platform.SsoConnector.Saml;

/// <summary>One SP key pair: signs AuthnRequests and decrypts EncryptedAssertions. <c>Active</c> signs (at most one); every key decrypts.</summary>
public sealed record SamlSpKey(string Id, string CertificatePem, string PrivateKeyPem, bool Active, DateTimeOffset CreatedAt);

/// <summary>
/// A SAML connector's SP keys, staged for rotation (Logto 1.44): a new key is published in the metadata before it
/// becomes the signing key, and an old one keeps decrypting until the IdP has moved on. Sealed with Data Protection.
/// </summary>
public sealed record SamlSpCredentials(IReadOnlyList<SamlSpKey> Keys)
{
    /// <summary>None when an administrator deactivated it without activating another (then signed requests cannot be sent).</summary>
    public SamlSpKey? ActiveKey => Keys.FirstOrDefault(k => k.Active);

    public static SamlSpCredentials Generate(TimeProvider clock) => new([NewKey(clock, active: true)]);

    public static SamlSpKey NewKey(TimeProvider clock, bool active)
    {
        using var rsa = RSA.Create(2048);
        var now = clock.GetUtcNow();
        var request = new CertificateRequest("CN=Auth.Platform SAML SP", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return new SamlSpKey(Connectors.ConnectorIds.New(), certificate.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem(), active, now);
    }
}
