using System.Text;
using System.Xml;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.SsoConnectors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.SsoConnector.Saml;

/// <summary>The SP's public SAML endpoints under Logto's ACS path: the ACS itself (HTTP-POST) and the SP metadata.</summary>
public static class SamlEndpoints
{
    public const string Prefix = "/api/authn/single-sign-on/saml";

    /// <summary>Logto's SP names: entity id <c>{endpoint}/enterprise-sso/{id}</c>, ACS <c>/api/authn/single-sign-on/saml/{id}</c>.</summary>
    public static ServiceProviderConfig ServiceProviderOf(string connectorId, string publicUrl) =>
        new($"{publicUrl}/enterprise-sso/{connectorId}", $"{publicUrl}{Prefix}/{connectorId}", $"{publicUrl}{Prefix}/{connectorId}/metadata");

    public static IEndpointRouteBuilder MapSamlEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("SAML service provider");
        // The IdP posts a form from its own origin: no antiforgery token can exist; InResponseTo + RelayState bind it instead.
        group.MapPost("/{connectorId}", Acs).DisableAntiforgery().Accepts<IFormCollection>("application/x-www-form-urlencoded")
            .Produces(303).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413);
        group.MapGet("/{connectorId}/metadata", Metadata).Produces<string>(200, "application/samlmetadata+xml").ProducesProblem(404);
        return app;
    }

    private static async Task<IResult> Acs(string connectorId, HttpContext http, SamlServiceProvider sp, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
            return PlatformProblems.Create(415, "request.unsupported_media_type", "The ACS accepts an HTTP-POST binding form.");
        var form = await http.Request.ReadFormAsync(ct);
        return await sp.AcceptAsync(connectorId, form["SAMLResponse"].ToString(), form["RelayState"].ToString(), http, ct);
    }

    private static async Task<IResult> Metadata(string connectorId, SsoConnectorDbContext db, ConnectorConfigVault vault, IConfiguration configuration, CancellationToken ct)
    {
        if (!ConnectorIds.IsWellFormed(connectorId) || await db.SsoConnectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == connectorId, ct) is not { SpCredentials: { } sealedKeys } connector)
            return ConnectorsApi.NotFound(connectorId);
        var sp = ServiceProviderOf(connector.Id, configuration.GetPublicUrl());
        var signsRequests = ConnectorConfigVault.Public(connector.Config)["signAuthnRequest"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;
        var xml = new StringBuilder();
        using (var w = XmlWriter.Create(xml, new XmlWriterSettings { Encoding = Encoding.UTF8 }))
        {
            w.WriteStartElement("md", "EntityDescriptor", SamlNamespaces.Metadata);
            w.WriteAttributeString("entityID", sp.EntityId);
            w.WriteStartElement("md", "SPSSODescriptor", SamlNamespaces.Metadata);
            w.WriteAttributeString("AuthnRequestsSigned", signsRequests ? "true" : "false");
            w.WriteAttributeString("WantAssertionsSigned", "true");
            w.WriteAttributeString("protocolSupportEnumeration", SamlNamespaces.Protocol);
            // Every staged key is published for both uses, so an IdP can pick up a new key before it signs anything.
            foreach (var key in vault.OpenSpCredentials(sealedKeys).Keys)
            foreach (var use in new[] { "signing", "encryption" })
            {
                w.WriteStartElement("md", "KeyDescriptor", SamlNamespaces.Metadata);
                w.WriteAttributeString("use", use);
                w.WriteStartElement("ds", "KeyInfo", SamlNamespaces.XmlDsig);
                w.WriteStartElement("ds", "X509Data", SamlNamespaces.XmlDsig);
                w.WriteElementString("ds", "X509Certificate", SamlNamespaces.XmlDsig,
                    key.CertificatePem.Replace("-----BEGIN CERTIFICATE-----", "").Replace("-----END CERTIFICATE-----", "").Replace("\n", "").Trim());
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteElementString("md", "NameIDFormat", SamlNamespaces.Metadata, SamlNamespaces.EmailNameIdFormat);
            w.WriteStartElement("md", "AssertionConsumerService", SamlNamespaces.Metadata);
            w.WriteAttributeString("Binding", SamlNamespaces.PostBinding);
            w.WriteAttributeString("Location", sp.AssertionConsumerServiceUrl);
            w.WriteAttributeString("index", "0");
            w.WriteAttributeString("isDefault", "true");
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return Results.Text(xml.ToString(), "application/samlmetadata+xml", Encoding.UTF8);
    }
}
