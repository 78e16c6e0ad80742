// The IdP side of a signed AuthnRequest, by npm samlify (not our code): it parses the HTTP-Redirect request our SP sent and
// checks its signature against the SP certificate the IdP trusts (Bindings §3.4.4.1: over the query's octets as sent).
//   node saml-idp-login-request.mjs '<json>'   (run from tests/node)   -> prints {"verified": true, "requestId", "issuer"} or {"verified": false, "error"}
// json: { authorizationUri, spEntityId, acsUrl, spSigningCert (PEM), idpEntityId, ssoUrl, idpPrivateKey, idpCertificate }
import samlify from 'samlify';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const input = JSON.parse(process.argv[2]);
const idp = samlify.IdentityProvider({
  entityID: input.idpEntityId,
  privateKey: input.idpPrivateKey,
  signingCert: input.idpCertificate,
  wantAuthnRequestsSigned: true,
  singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: input.ssoUrl }],
});
// The SP as this IdP knows it: one trusted signing certificate (the one an administrator registered).
const sp = samlify.ServiceProvider({
  entityID: input.spEntityId,
  signingCert: input.spSigningCert,
  authnRequestsSigned: true,
  assertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: input.acsUrl }],
});
const url = new URL(input.authorizationUri);
const raw = url.search.slice(1);
const octetString = raw.slice(0, raw.indexOf('&Signature='));
const query = Object.fromEntries(url.searchParams.entries());
try {
  const { extract } = await idp.parseLoginRequest(sp, 'redirect', { query, octetString });
  console.log(JSON.stringify({ verified: true, requestId: extract.request.id, issuer: extract.issuer }));
} catch (e) {
  console.log(JSON.stringify({ verified: false, error: String(e?.message ?? e) }));
}
