using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;

namespace Auth.Platform.SsoConnector.Saml;

/// <summary>What a response is checked against: who we are, who the IdP is, which request it answers (null = unsolicited).</summary>
public sealed record SamlValidationContext(
    string SpEntityId,
    string AcsUrl,
    SamlIdentityProvider Idp,
    string? ExpectedInResponseTo,
    IReadOnlyList<RSA> DecryptionKeys,
    DateTimeOffset Now);

/// <summary>The assertion's content once every rule held: read from the verified element only.</summary>
public sealed record SamlAssertion(string Id, string Issuer, string NameId, string? NameIdFormat, DateTimeOffset NotOnOrAfter,
    IReadOnlyDictionary<string, string[]> Attributes);

/// <summary>
/// SAML 2.0 Web Browser SSO response processing (Profiles §4.1.4.2-4.1.4.5) on <see cref="SignedXml"/>, with the
/// hardening of reliability.md S-1..S-12: one Response, exactly one Assertion in the whole document, a signature that
/// verifies with a configured IdP certificate only, whose single reference is its parent element and that parent is the
/// Response or the Assertion consumed (no wrapping, X-1..X-9), only exc-c14n + enveloped transforms, SHA-2 only; then
/// Destination, Issuer, status, bearer confirmation (Recipient, InResponseTo, NotOnOrAfter), Conditions (window with
/// 2 minutes' skew, exact Audience) and an AuthnStatement. The replay cache is the caller's (it needs Redis).
/// </summary>
public static class SamlResponseValidator
{
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(2);

    private static readonly HashSet<string> SignatureMethods =
    [
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    ];
    private static readonly HashSet<string> DigestMethods =
        ["http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha512"];
    private static readonly HashSet<string> Transforms = [SignedXml.XmlDsigEnvelopedSignatureTransformUrl, SignedXml.XmlDsigExcC14NTransformUrl];

    /// <summary>Validates a base64 <c>SAMLResponse</c>; throws <see cref="SamlRejectedException"/> with a stable reason.</summary>
    public static SamlAssertion Validate(string samlResponse, SamlValidationContext context)
    {
        string xml;
        try
        {
            var bytes = Convert.FromBase64String(samlResponse);
            if (bytes.Length > SamlXml.MaxCharacters) throw new SamlRejectedException("too_large", "The SAML response is too large.");
            xml = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (FormatException) { throw new SamlRejectedException("malformed", "SAMLResponse is not base64."); }
        catch (DecoderFallbackException) { throw new SamlRejectedException("malformed", "SAMLResponse is not UTF-8."); }

        XmlDocument document;
        try { document = SamlXml.Load(xml); }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        { throw new SamlRejectedException("dtd_prohibited", "A DOCTYPE is not allowed in a SAML message."); }
        catch (XmlException) { throw new SamlRejectedException("malformed", "The SAML response is not well-formed XML."); }

        var response = document.DocumentElement!;
        if (response.NamespaceURI != SamlNamespaces.Protocol || response.LocalName != "Response" || response.GetAttribute("Version") != "2.0")
            throw new SamlRejectedException("not_a_response", "The message is not a SAML 2.0 Response.");

        // A refusal needs no signature: an IdP that did not authenticate the user sends no assertion at all.
        var status = response.Child(SamlNamespaces.Protocol, "Status")?.Child(SamlNamespaces.Protocol, "StatusCode")?.GetAttribute("Value");
        if (status != SamlNamespaces.Success) throw new SamlRejectedException("status_not_success", "The IdP did not authenticate the user.");

        // S-2 / X-3, X-4, X-7, X-8, X-12: exactly one (possibly encrypted) Assertion anywhere, a direct child of the Response.
        SingleAssertion(document, response, "EncryptedAssertion", "Assertion");

        // The Response signature is checked before decryption: it covers the EncryptedAssertion as sent.
        var responseSigned = VerifiedSignatureOf(response, document, context.Idp.SigningCertificates);
        DecryptAssertions(document, response, context.DecryptionKeys);
        var assertion = SingleAssertion(document, response, "Assertion");

        // S-3/S-4/S-5: the Response or the Assertion is signed by the IdP, and the signed element is the one consumed.
        var assertionSigned = VerifiedSignatureOf(assertion, document, context.Idp.SigningCertificates);
        if (!responseSigned && !assertionSigned) throw new SamlRejectedException("signature_invalid", "No valid IdP signature covers the assertion.");

        // S-8: Destination must be present when signed, and be us; Issuer the IdP.
        var destination = response.GetAttribute("Destination");
        if ((responseSigned && destination.Length == 0) || (destination.Length > 0 && destination != context.AcsUrl))
            throw new SamlRejectedException("destination_mismatch", "The response is addressed to another endpoint.");
        if (response.Child(SamlNamespaces.Assertion, "Issuer") is { } responseIssuer && responseIssuer.PlainText() != context.Idp.EntityId)
            throw new SamlRejectedException("issuer_mismatch", "The response comes from another IdP.");

        // S-9: solicited responses answer our request; unsolicited ones answer nothing.
        var inResponseTo = response.GetAttribute("InResponseTo");
        if (context.ExpectedInResponseTo is { } expected ? inResponseTo != expected : inResponseTo.Length > 0)
            throw new SamlRejectedException("in_response_to_mismatch", "The response does not answer this request.");

        return ReadAssertion(assertion, context);
    }

    private static XmlElement SingleAssertion(XmlDocument document, XmlElement response, params string[] localNames)
    {
        var assertions = localNames.SelectMany(n => document.GetElementsByTagName(n, SamlNamespaces.Assertion).OfType<XmlElement>()).ToList();
        if (assertions.Count != 1 || assertions[0].ParentNode != response)
            throw new SamlRejectedException("assertion_count", "The response must carry exactly one assertion.");
        return assertions[0];
    }

    private static SamlAssertion ReadAssertion(XmlElement assertion, SamlValidationContext context)
    {
        var id = assertion.GetAttribute("ID");
        if (id.Length == 0) throw new SamlRejectedException("malformed", "The assertion has no ID.");
        if (assertion.Child(SamlNamespaces.Assertion, "Issuer").PlainText() != context.Idp.EntityId)
            throw new SamlRejectedException("issuer_mismatch", "The assertion comes from another IdP.");

        var subject = assertion.Child(SamlNamespaces.Assertion, "Subject") ?? throw new SamlRejectedException("malformed", "The assertion has no subject.");
        var nameIdElement = subject.Child(SamlNamespaces.Assertion, "NameID") ?? throw new SamlRejectedException("malformed", "The subject has no NameID.");
        var nameId = nameIdElement.PlainText();
        if (string.IsNullOrEmpty(nameId)) throw new SamlRejectedException("malformed", "The NameID is empty.");

        // S-10: a bearer confirmation for us, for this request, still valid.
        var bearer = subject.Children(SamlNamespaces.Assertion, "SubjectConfirmation")
            .Where(c => c.GetAttribute("Method") == SamlNamespaces.Bearer)
            .Select(c => c.Child(SamlNamespaces.Assertion, "SubjectConfirmationData"))
            .FirstOrDefault(d => d is not null) ?? throw new SamlRejectedException("subject_confirmation", "No bearer subject confirmation.");
        if (bearer.GetAttribute("Recipient") != context.AcsUrl) throw new SamlRejectedException("recipient_mismatch", "The assertion is meant for another recipient.");
        if (bearer.HasAttribute("NotBefore")) throw new SamlRejectedException("subject_confirmation", "A bearer confirmation has no NotBefore.");
        var confirmationEnd = Instant(bearer, "NotOnOrAfter") ?? throw new SamlRejectedException("subject_confirmation", "The bearer confirmation has no NotOnOrAfter.");
        if (context.Now >= confirmationEnd + Skew) throw new SamlRejectedException("expired", "The assertion has expired.");
        var confirmationInResponseTo = bearer.GetAttribute("InResponseTo");
        if (context.ExpectedInResponseTo is { } expected ? confirmationInResponseTo != expected : confirmationInResponseTo.Length > 0)
            throw new SamlRejectedException("in_response_to_mismatch", "The assertion does not answer this request.");

        // S-11: the validity window and the audience.
        var conditions = assertion.Child(SamlNamespaces.Assertion, "Conditions") ?? throw new SamlRejectedException("malformed", "The assertion has no conditions.");
        if (Instant(conditions, "NotBefore") is { } notBefore && context.Now < notBefore - Skew) throw new SamlRejectedException("not_yet_valid", "The assertion is not valid yet.");
        var notOnOrAfter = Instant(conditions, "NotOnOrAfter");
        if (notOnOrAfter is { } end && context.Now >= end + Skew) throw new SamlRejectedException("expired", "The assertion has expired.");
        var restrictions = conditions.Children(SamlNamespaces.Assertion, "AudienceRestriction").ToList();
        // Every AudienceRestriction must name us (SAML Core 2.5.1.4: they are ANDed).
        if (restrictions.Count == 0 || !restrictions.All(r => r.Children(SamlNamespaces.Assertion, "Audience").Any(a => a.PlainText() == context.SpEntityId)))
            throw new SamlRejectedException("audience_mismatch", "The assertion is meant for another audience.");
        if (assertion.Child(SamlNamespaces.Assertion, "AuthnStatement") is not { } authn) throw new SamlRejectedException("malformed", "The assertion has no AuthnStatement.");
        if (Instant(authn, "SessionNotOnOrAfter") is { } sessionEnd && context.Now >= sessionEnd + Skew) throw new SamlRejectedException("expired", "The IdP session has ended.");

        var attributes = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var statement in assertion.Children(SamlNamespaces.Assertion, "AttributeStatement"))
        foreach (var attribute in statement.Children(SamlNamespaces.Assertion, "Attribute"))
        {
            var name = attribute.GetAttribute("Name");
            if (name.Length == 0) continue;
            attributes[name] = [.. attribute.Children(SamlNamespaces.Assertion, "AttributeValue").Select(v => v.PlainText() ?? "")];
        }
        var lifetime = new[] { confirmationEnd, notOnOrAfter ?? confirmationEnd }.Min();
        return new SamlAssertion(id, context.Idp.EntityId, nameId!, nameIdElement.GetAttribute("Format") is { Length: > 0 } f ? f : null, lifetime, attributes);
    }

    /// <summary>
    /// True when <paramref name="element"/> has a direct-child Signature that verifies with an IdP certificate and
    /// whose one Reference points at <paramref name="element"/> itself. A Signature that is present but wrong is an
    /// error, not "unsigned": an attacker must not downgrade a broken signature to an absent one.
    /// </summary>
    private static bool VerifiedSignatureOf(XmlElement element, XmlDocument document, IReadOnlyList<X509Certificate2> certificates)
    {
        var signatures = element.Children(SamlNamespaces.XmlDsig, "Signature").ToList();
        if (signatures.Count == 0) return false;
        if (signatures.Count > 1) throw new SamlRejectedException("signature_invalid", "An element carries several signatures.");
        var id = element.GetAttribute("ID");
        if (id.Length == 0) throw new SamlRejectedException("signature_invalid", "A signed element has no ID.");

        var signed = new StrictIdSignedXml(document);
        try { signed.LoadXml(signatures[0]); }
        catch (CryptographicException) { throw new SamlRejectedException("signature_invalid", "The signature is malformed."); }
        if (signed.SignedInfo is not { } info || info.References.Count != 1 || info.References[0] is not Reference reference)
            throw new SamlRejectedException("signature_invalid", "A signature must have exactly one reference.");
        if (reference.Uri != "#" + id) throw new SamlRejectedException("signature_invalid", "The signature does not reference its parent element.");
        if (!SignatureMethods.Contains(info.SignatureMethod ?? "") || !DigestMethods.Contains(reference.DigestMethod ?? ""))
            throw new SamlRejectedException("signature_algorithm", "The signature uses an algorithm that is not allowed (SHA-2 only).");
        if (info.CanonicalizationMethod != SignedXml.XmlDsigExcC14NTransformUrl)
            throw new SamlRejectedException("signature_algorithm", "Only exclusive canonicalization is allowed.");
        foreach (Transform transform in reference.TransformChain)
            if (!Transforms.Contains(transform.Algorithm ?? "")) throw new SamlRejectedException("signature_algorithm", "A transform is not allowed.");
        // X-9: the id must resolve to exactly one element, and that element is the one we read.
        if (!ReferenceEquals(signed.GetIdElement(document, id), element)) throw new SamlRejectedException("signature_invalid", "The signed element is not the one consumed.");

        // S-4 / X-10: only the configured certificates, never a key the message brings in KeyInfo.
        foreach (var certificate in certificates)
        {
            try
            {
                if (signed.CheckSignature(certificate, verifySignatureOnly: true)) return true;
            }
            catch (CryptographicException) { }
        }
        throw new SamlRejectedException("signature_invalid", "The signature does not verify with the IdP's certificate.");
    }

    /// <summary>Resolves <c>#id</c> only through the SAML <c>ID</c> attribute, and only when exactly one element carries it.</summary>
    private sealed class StrictIdSignedXml(XmlDocument document) : SignedXml(document)
    {
        public override XmlElement? GetIdElement(XmlDocument? doc, string id)
        {
            if (doc is null) return null;
            XmlElement? found = null;
            foreach (var element in doc.SelectNodes("//*[@ID]")!.OfType<XmlElement>())
            {
                if (element.GetAttribute("ID") != id) continue;
                if (found is not null) return null;
                found = element;
            }
            return found;
        }
    }

    /// <summary>EncryptedAssertion → Assertion with the SP's keys (RSA-OAEP or PKCS#1 v1.5 key transport; AES-CBC or AES-GCM content).</summary>
    private static void DecryptAssertions(XmlDocument document, XmlElement response, IReadOnlyList<RSA> keys)
    {
        foreach (var encrypted in response.Children(SamlNamespaces.Assertion, "EncryptedAssertion").ToList())
        {
            var dataElement = encrypted.Child(SamlNamespaces.XmlEnc, "EncryptedData") ?? throw new SamlRejectedException("decryption_failed", "No EncryptedData.");
            var data = new EncryptedData();
            data.LoadXml(dataElement);
            var keyElements = dataElement.GetElementsByTagName("EncryptedKey", SamlNamespaces.XmlEnc).OfType<XmlElement>()
                .Concat(encrypted.Children(SamlNamespaces.XmlEnc, "EncryptedKey")).ToList();
            byte[]? plain = null;
            foreach (var keyElement in keyElements)
            {
                var encryptedKey = new EncryptedKey();
                encryptedKey.LoadXml(keyElement);
                var oaep = encryptedKey.EncryptionMethod?.KeyAlgorithm is EncryptedXml.XmlEncRSAOAEPUrl or "http://www.w3.org/2009/xmlenc11#rsa-oaep";
                foreach (var key in keys)
                {
                    try
                    {
                        var symmetric = EncryptedXml.DecryptKey(encryptedKey.CipherData.CipherValue!, key, oaep);
                        plain = DecryptContent(data, symmetric);
                        break;
                    }
                    catch (CryptographicException) { }
                }
                if (plain is not null) break;
            }
            if (plain is null) throw new SamlRejectedException("decryption_failed", "The assertion could not be decrypted with the SP's keys.");
            XmlDocument decrypted;
            try { decrypted = SamlXml.Load(Encoding.UTF8.GetString(plain)); }
            catch (XmlException) { throw new SamlRejectedException("decryption_failed", "The decrypted assertion is not XML."); }
            var imported = document.ImportNode(decrypted.DocumentElement!, deep: true);
            response.ReplaceChild(imported, encrypted);
        }
    }

    private static byte[] DecryptContent(EncryptedData data, byte[] key)
    {
        var cipher = data.CipherData.CipherValue ?? throw new CryptographicException("No cipher value.");
        switch (data.EncryptionMethod?.KeyAlgorithm)
        {
            case EncryptedXml.XmlEncAES128Url or EncryptedXml.XmlEncAES192Url or EncryptedXml.XmlEncAES256Url:
            {
                using var aes = Aes.Create();
                aes.Key = key;
                return aes.DecryptCbc(cipher.AsSpan(16), cipher.AsSpan(0, 16), PaddingMode.ISO10126);
            }
            case "http://www.w3.org/2009/xmlenc11#aes128-gcm" or "http://www.w3.org/2009/xmlenc11#aes192-gcm" or "http://www.w3.org/2009/xmlenc11#aes256-gcm":
            {
                if (cipher.Length < 28) throw new CryptographicException("Cipher text too short.");
                using var gcm = new AesGcm(key, 16);
                var plain = new byte[cipher.Length - 28];
                gcm.Decrypt(cipher.AsSpan(0, 12), cipher.AsSpan(12, plain.Length), cipher.AsSpan(cipher.Length - 16), plain);
                return plain;
            }
            default:
                throw new CryptographicException("Unsupported content encryption.");
        }
    }

    private static DateTimeOffset? Instant(XmlElement element, string attribute) =>
        element.GetAttribute(attribute) is { Length: > 0 } value
            ? DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
                ? instant
                : throw new SamlRejectedException("malformed", $"{attribute} is not a date.")
            : null;
}
