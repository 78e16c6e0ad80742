// An independent relying party built on openid-client (OpenID Certified), driven by the end-to-end tests.
// Each sub-command prints one JSON object on stdout; failures print {"error": ...} and exit 1.
//   node rp.mjs authorize --issuer URL --client-id ID --redirect-uri URI [--scope S] [--extra k=v ...]
//   node rp.mjs callback  --issuer URL --client-id ID --callback-url URL --code-verifier V --state S [--nonce N] [--no-refresh-checks true]
//   node rp.mjs end-session --issuer URL --client-id ID --id-token-hint T --post-logout-redirect-uri URI --state S
import * as client from 'openid-client';

const args = process.argv.slice(2);
const command = args.shift();
const opt = {};
const extra = {};
for (let i = 0; i < args.length; i += 2) {
  const key = args[i].replace(/^--/, '');
  if (key === 'extra') { const [k, ...v] = args[i + 1].split('='); extra[k] = v.join('='); }
  else opt[key] = args[i + 1];
}

async function discover() {
  // http is allowed only because the stack under test listens on loopback.
  return client.discovery(new URL(opt.issuer), opt['client-id'], undefined, client.None(),
    { execute: [client.allowInsecureRequests] });
}

async function authorize() {
  const config = await discover();
  const meta = config.serverMetadata();
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: opt['redirect-uri'],
    scope: opt.scope ?? 'openid profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state, nonce, prompt: 'consent', ...extra,
  });
  return {
    url: url.href, codeVerifier, state, nonce,
    issuer: meta.issuer,
    issParameterSupported: meta.authorization_response_iss_parameter_supported === true,
    codeChallengeMethods: meta.code_challenge_methods_supported,
  };
}

async function callback() {
  const config = await discover();
  // Validates state, iss (RFC 9207), PKCE, and the ID token (signature via JWKS, iss, aud, exp, iat, nonce).
  const tokens = await client.authorizationCodeGrant(config, new URL(opt['callback-url']), {
    pkceCodeVerifier: opt['code-verifier'], expectedState: opt.state, expectedNonce: opt.nonce, idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (opt['no-refresh-checks']) return { idTokenClaims: claims, idToken: tokens.id_token };
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  let reuse;
  try {
    await client.refreshTokenGrant(config, tokens.refresh_token);
    reuse = { error: null };
  } catch (e) {
    reuse = { error: e.error ?? e.code ?? String(e) };
  }
  // After reuse of a rotated refresh token, the whole chain must be revoked (RFC 9700 §4.14.2).
  let afterReuse;
  try {
    await client.refreshTokenGrant(config, refreshed.refresh_token);
    afterReuse = { error: null };
  } catch (e) {
    afterReuse = { error: e.error ?? e.code ?? String(e) };
  }
  return {
    idTokenClaims: claims,
    idToken: tokens.id_token,
    userinfo,
    accessTokenHeader: JSON.parse(Buffer.from(tokens.access_token.split('.')[0], 'base64url').toString()),
    refreshRotated: typeof refreshed.refresh_token === 'string' && refreshed.refresh_token !== tokens.refresh_token,
    refreshedIdTokenSub: refreshed.claims()?.sub ?? null,
    reuseOfOldRefreshToken: reuse,
    newRefreshTokenAfterReuse: afterReuse,
  };
}

async function endSession() {
  const config = await discover();
  // RP-Initiated Logout 1.0 as openid-client builds it (end_session_endpoint from discovery).
  const url = client.buildEndSessionUrl(config, {
    id_token_hint: opt['id-token-hint'], post_logout_redirect_uri: opt['post-logout-redirect-uri'], state: opt.state,
  });
  return { url: url.href, endSessionEndpoint: config.serverMetadata().end_session_endpoint };
}

const commands = { authorize, callback, 'end-session': endSession };
try {
  const result = commands[command] ? await commands[command]() : (() => { throw new Error('unknown command ' + command); })();
  process.stdout.write(JSON.stringify(result));
} catch (e) {
  // The cause's own message says which check failed (e.g. 'no authorization code in "callbackParameters"').
  process.stdout.write(JSON.stringify({ error: e.error ?? e.code ?? e.name, message: e.message, cause: e.cause?.error_description ?? e.cause?.message ?? null }));
  process.exit(1);
}
