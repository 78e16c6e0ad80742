// npm samlify as a SAML 2.0 IdP (not our code): builds, signs and optionally encrypts the login response our SP must
// accept, from the SP's own metadata. Used by saml-idp.mjs (one response per run) and saml-idp-server.mjs (a browser IdP).
// input: { spMetadata, entityId, ssoUrl, privateKey, certificate, inResponseTo?, nameId, attributes?, encrypt?, signResponse?, overrides? }
// (overrides replace template values, e.g. Audience, SubjectRecipient, ConditionsNotOnOrAfter, to build wrong responses with a real signature)
import samlify from 'samlify';

// samlify validates what it parses with a pluggable schema validator; it parses nothing here (it only builds).
samlify.setSchemaValidator({ validate: async () => 'skipped' });

export async function createLoginResponse(input) {
  const attributes = input.attributes ?? {};
  const names = Object.keys(attributes);
  const idp = samlify.IdentityProvider({
    entityID: input.entityId,
    privateKey: input.privateKey,
    signingCert: input.certificate,
    isAssertionEncrypted: Boolean(input.encrypt),
    singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: input.ssoUrl }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    loginResponseTemplate: {
      context: samlify.SamlLib.defaultLoginResponseTemplate.context,
      attributes: names.map((name) => ({ name, valueTag: name.replace(/[^A-Za-z0-9]/g, ''), nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic', valueXsiType: 'xs:string' })),
    },
  });
  const sp = samlify.ServiceProvider({ metadata: input.spMetadata, wantMessageSigned: Boolean(input.signResponse) });
  const replacements = (template) => {
    const now = new Date();
    const fiveMinutesLater = new Date(now.getTime() + 5 * 60 * 1000);
    const acs = sp.entityMeta.getAssertionConsumerService('post');
    const values = {
      ID: '_' + crypto.randomUUID().replaceAll('-', ''),
      AssertionID: '_' + crypto.randomUUID().replaceAll('-', ''),
      Destination: acs,
      Audience: sp.entityMeta.getEntityID(),
      EntityID: sp.entityMeta.getEntityID(),
      SubjectRecipient: acs,
      Issuer: input.entityId,
      IssueInstant: now.toISOString(),
      AssertionConsumerServiceURL: acs,
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: now.toISOString(),
      ConditionsNotOnOrAfter: fiveMinutesLater.toISOString(),
      SubjectConfirmationDataNotOnOrAfter: fiveMinutesLater.toISOString(),
      NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      NameID: input.nameId,
      InResponseTo: input.inResponseTo ?? '',
      ...Object.fromEntries(names.map((name) => { const tag = name.replace(/[^A-Za-z0-9]/g, ''); return ['attr' + tag[0].toUpperCase() + tag.slice(1), attributes[name]]; })),
      ...(input.overrides ?? {}),
    };
    // Markup, not a value: put in before the values (which samlify escapes).
    const authn = `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_s${Date.now()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;
    let context = samlify.SamlLib.replaceTagsByValue(template.replace('{AuthnStatement}', authn), values);
    // The default template writes InResponseTo="" for an unsolicited response; SAML says: leave it out.
    if (!input.inResponseTo) context = context.replaceAll(' InResponseTo=""', '');
    return { id: values.ID, context };
  };
  const { context } = await idp.createLoginResponse(sp, { extract: { request: { id: input.inResponseTo ?? '' } } }, 'post', { email: input.nameId }, replacements,
    // SAML's order: sign the assertion, encrypt it, then sign the Response over the EncryptedAssertion as sent.
    Boolean(input.encrypt));
  return { samlResponse: context, idpMetadata: idp.getMetadata(), acs: sp.entityMeta.getAssertionConsumerService('post') };
}
