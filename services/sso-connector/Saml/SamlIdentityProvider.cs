using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Xml;
using Auth.Platform.SsoConnector.ExternalAuth;

namespace Auth.Platform.SsoConnector.Saml;

/// <summary>What the SP needs to know of the IdP: its entity id, its HTTP-Redirect SSO endpoint, and its signing certificates (several for rollover, S-16).</summary>
public sealed record SamlIdentityProvider(string EntityId, string SignInEndpoint, IReadOnlyList<X509Certificate2> SigningCertificates)
{
    /// <summary>From the connector's configuration: IdP metadata as XML, or a metadata URL, or the three fields given by hand.</summary>
    public static async Task<SamlIdentityProvider?> FromConfigAsync(JsonObject config, IHttpClientFactory httpClients, CancellationToken ct)
    {
        var metadata = ExternalSignIn.Text(config, "metadata");
        if (string.IsNullOrWhiteSpace(metadata) && ExternalSignIn.Text(config, "metadataUrl") is { } url)
        {
            using var client = httpClients.CreateClient(OidcMetadataCache.HttpClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > SamlXml.MaxCharacters) return null;
            metadata = await response.Content.ReadAsStringAsync(ct);
        }
        if (!string.IsNullOrWhiteSpace(metadata)) return FromMetadata(metadata);
        if (ExternalSignIn.Text(config, "entityId") is { Length: > 0 } entityId && ExternalSignIn.Text(config, "signInEndpoint") is { Length: > 0 } endpoint
            && ExternalSignIn.Text(config, "x509Certificate") is { Length: > 0 } pem)
            return new(entityId, endpoint, [Certificate(pem)]);
        return null;
    }

    public static SamlIdentityProvider? FromMetadata(string xml)
    {
        var root = SamlXml.Load(xml).DocumentElement;
        if (root is null || root.NamespaceURI != SamlNamespaces.Metadata || root.LocalName != "EntityDescriptor") return null;
        var idp = root.Child(SamlNamespaces.Metadata, "IDPSSODescriptor");
        var entityId = root.GetAttribute("entityID");
        var endpoint = idp?.Children(SamlNamespaces.Metadata, "SingleSignOnService")
            .FirstOrDefault(s => s.GetAttribute("Binding") == SamlNamespaces.RedirectBinding)?.GetAttribute("Location");
        if (idp is null || string.IsNullOrEmpty(entityId) || string.IsNullOrEmpty(endpoint)) return null;
        var certificates = idp.Children(SamlNamespaces.Metadata, "KeyDescriptor")
            .Where(k => k.GetAttribute("use") is "" or "signing")
            .SelectMany(k => k.GetElementsByTagName("X509Certificate", SamlNamespaces.XmlDsig).OfType<XmlElement>())
            .Select(c => Certificate(c.InnerText))
            .ToList();
        return certificates.Count == 0 ? null : new(entityId, endpoint, certificates);
    }

    /// <summary>PEM, or the bare base64 body metadata carries.</summary>
    public static X509Certificate2 Certificate(string text)
    {
        var body = text.Replace("-----BEGIN CERTIFICATE-----", "", StringComparison.Ordinal).Replace("-----END CERTIFICATE-----", "", StringComparison.Ordinal);
        body = string.Concat(body.Where(c => !char.IsWhiteSpace(c)));
        return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(body));
    }
}
