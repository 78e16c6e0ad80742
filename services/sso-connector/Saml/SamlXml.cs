using System.Xml;

namespace Auth.Platform.SsoConnector.Saml;

public static class SamlNamespaces
{
    public const string Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    public const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string Metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
    public const string XmlDsig = "http://www.w3.org/2000/09/xmldsig#";
    public const string XmlEnc = "http://www.w3.org/2001/04/xmlenc#";
    public const string RedirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    public const string PostBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    public const string Success = "urn:oasis:names:tc:SAML:2.0:status:Success";
    public const string Bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    public const string EmailNameIdFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
}

/// <summary>
/// The only way SAML XML is parsed here (S-1): no DTD (a DOCTYPE is an error, so no entity expansion and no external
/// fetch), no resolver, a character cap, whitespace preserved (signatures are computed over it).
/// </summary>
public static class SamlXml
{
    public const int MaxCharacters = 512 * 1024;

    public static XmlDocument Load(string xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreProcessingInstructions = true,
        };
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        document.Load(reader);
        return document;
    }

    /// <summary>Direct children only (S-7): claims are read by relative navigation from the verified element.</summary>
    public static IEnumerable<XmlElement> Children(this XmlElement parent, string ns, string localName) =>
        parent.ChildNodes.OfType<XmlElement>().Where(e => e.NamespaceURI == ns && e.LocalName == localName);

    public static XmlElement? Child(this XmlElement parent, string ns, string localName) => parent.Children(ns, localName).FirstOrDefault();

    /// <summary>
    /// The text of an element that must be plain text. A comment or child element inside (X-13,
    /// <c>victim@x.com&lt;!----&gt;.evil.com</c>) is refused rather than read one way here and another way by the IdP.
    /// </summary>
    public static string? PlainText(this XmlElement? element)
    {
        if (element is null) return null;
        if (element.ChildNodes.OfType<XmlNode>().Any(n => n.NodeType is not (XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)))
            throw new SamlRejectedException("nameid_not_plain_text", "A value carries comments or markup.");
        return element.InnerText.Trim();
    }
}

/// <summary>A SAML message refused, with a stable reason for the problem's <c>data.reason</c> (never echoes the message).</summary>
public sealed class SamlRejectedException(string reason, string detail) : Exception(detail)
{
    public string Reason { get; } = reason;
}
