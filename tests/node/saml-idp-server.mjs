// A SAML 2.0 IdP for browser tests, on loopback, built on npm samlify (not our code): it receives the SP's AuthnRequest by
// HTTP-Redirect, shows a login page (which account signs in: #account, #idp-sign-in), then answers with a signed response
// posted to the SP's ACS by the browser (HTTP-POST binding: a form the user sends with #idp-continue; no script needed).
//   node saml-idp-server.mjs PORT '<json>'   (run from tests/node)   -> prints "ready" once listening
// json: { spMetadata, entityId, privateKey, certificate, emailDomain }  (the account's email is <account>@<emailDomain>)
import http from 'node:http';
import samlify from 'samlify';
import { createLoginResponse } from './saml-idp-response.mjs';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const port = Number(process.argv[2]);
const config = JSON.parse(process.argv[3]);
const ssoUrl = `http://127.0.0.1:${port}/sso`;
const idp = samlify.IdentityProvider({ entityID: config.entityId, privateKey: config.privateKey, signingCert: config.certificate,
  singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: ssoUrl }] });
const sp = samlify.ServiceProvider({ metadata: config.spMetadata });
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (res, body) => {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="en"><head><title>SAML IdP</title></head><body><main>${body}</main></body></html>`);
};

http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  try {
    if (url.pathname === '/sso') {
      // The SP's request, as samlify reads it (the request id the response must answer).
      const query = Object.fromEntries(url.searchParams.entries());
      const { extract } = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: url.search.slice(1) });
      const hidden = (name, value) => `<input type="hidden" name="${name}" value="${escape(value ?? '')}">`;
      return page(res, '<h1>SAML IdP sign-in</h1><form method="get" action="/sso/login">'
        + hidden('requestId', extract.request.id) + hidden('RelayState', query.RelayState)
        + '<label for="account">Account</label><input id="account" name="as" required><button id="idp-sign-in" type="submit">Sign in</button></form>');
    }
    if (url.pathname === '/sso/login') {
      const nameId = `${url.searchParams.get('as')}@${config.emailDomain}`;
      const { samlResponse, acs } = await createLoginResponse({ spMetadata: config.spMetadata, entityId: config.entityId, ssoUrl,
        privateKey: config.privateKey, certificate: config.certificate, inResponseTo: url.searchParams.get('requestId'), nameId,
        attributes: { email: nameId, name: `SAML ${url.searchParams.get('as')}` } });
      return page(res, `<h1>Continue to the application</h1><form method="post" action="${escape(acs)}">`
        + `<input type="hidden" name="SAMLResponse" value="${escape(samlResponse)}"><input type="hidden" name="RelayState" value="${escape(url.searchParams.get('RelayState') ?? '')}">`
        + '<button id="idp-continue" type="submit">Continue</button></form>');
    }
    res.statusCode = 404;
    res.end();
  } catch (e) {
    res.statusCode = 400;
    res.end(String(e?.message ?? e));
  }
}).listen(port, '127.0.0.1', () => console.log('ready'));
