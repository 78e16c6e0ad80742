// An external identity provider for social / enterprise OIDC sign-in tests: panva's oidc-provider (OpenID Certified)
// with one confidential client and a scripted login instead of a login page.
//   node social-idp.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI[,REDIRECT_URI…]   (run from tests/node)   -> prints "ready" once listening
// The interaction URL /interaction/{uid}?as=<accountId> finishes the login as that account (email <id>@idp.test,
// verified unless the id starts with "unverified"); ?deny=1 finishes it with error=access_denied. Without either, it is a
// login page (a form asking for the account, #account, submitted by #idp-sign-in) for browser tests.
import http from 'node:http';
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUri.split(','), grant_types: ['authorization_code'],
    response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: `${id}@idp.test`, email_verified: !id.startsWith('unverified'), name: `User ${id}`, picture: `https://idp.test/${id}.png` }),
  }),
  // The provider's consent is not what these tests are about: every client is granted what it asks.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
});

const callback = provider.callback();
http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname.startsWith('/interaction/')) {
    if (!url.searchParams.has('as') && !url.searchParams.has('deny')) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<!doctype html><html lang="en"><head><title>IdP sign-in</title></head><body><main><h1>IdP sign-in</h1>'
        + '<form method="get"><label for="account">Account</label><input id="account" name="as" required>'
        + '<button id="idp-sign-in" type="submit">Sign in</button></form></main></body></html>');
      return;
    }
    try {
      const result = url.searchParams.get('deny')
        ? { error: 'access_denied', error_description: 'The user refused.' }
        : { login: { accountId: url.searchParams.get('as') ?? 'alice' } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    } catch (e) {
      res.statusCode = 400;
      res.end(String(e));
    }
    return;
  }
  callback(req, res);
}).listen(port, '127.0.0.1', () => console.log('ready'));
