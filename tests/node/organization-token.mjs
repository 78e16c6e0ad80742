// Logto's organization token as an openid-client integrator asks for it, for the end-to-end tests.
// Each sub-command prints one JSON object on stdout; unexpected failures print {"crash": ...} and exit 1.
//   node organization-token.mjs code --issuer URL --client-id ID --callback-url URL --code-verifier V --state S --nonce N
//   node organization-token.mjs organization --issuer URL --client-id ID --refresh-token T --organization-id O
//   node organization-token.mjs m2m --issuer URL --client-id ID --client-secret S --organization-id O --scope "a b"
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const args = process.argv.slice(2);
const command = args.shift();
const opt = {};
for (let i = 0; i < args.length; i += 2) opt[args[i].replace(/^--/, '')] = args[i + 1];

async function discover() {
  // http is allowed only because the stack under test listens on loopback.
  return client.discovery(new URL(opt.issuer), opt['client-id'], undefined, client.None(),
    { execute: [client.allowInsecureRequests] });
}

async function code() {
  const config = await discover();
  const tokens = await client.authorizationCodeGrant(config, new URL(opt['callback-url']), {
    pkceCodeVerifier: opt['code-verifier'], expectedState: opt.state, expectedNonce: opt.nonce, idTokenExpected: true,
  });
  return { idTokenClaims: tokens.claims(), refreshToken: tokens.refresh_token };
}

// refreshTokenGrant with Logto's organization_id parameter; the access token is verified with jose against the JWKS,
// expecting the organization's audience. A refusal is an answer here, not a crash.
async function organization() {
  const config = await discover();
  const audience = `urn:logto:organization:${opt['organization-id']}`;
  let tokens;
  try {
    tokens = await client.refreshTokenGrant(config, opt['refresh-token'], { organization_id: opt['organization-id'] });
  } catch (e) {
    if (e instanceof client.ResponseBodyError) return { error: e.error, errorDescription: e.error_description, status: e.status };
    throw e;
  }
  const meta = config.serverMetadata();
  const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(meta.jwks_uri)),
    { issuer: meta.issuer, audience, typ: 'at+jwt' });
  return {
    accessTokenClaims: payload, alg: protectedHeader.alg,
    refreshRotated: typeof tokens.refresh_token === 'string' && tokens.refresh_token !== opt['refresh-token'],
  };
}

// A machine-to-machine member's organization token: clientCredentialsGrant with organization_id (client_secret_post),
// verified with jose for the organization's audience. A refusal is an answer here, not a crash.
async function m2m() {
  const config = await client.discovery(new URL(opt.issuer), opt['client-id'], undefined, client.ClientSecretPost(opt['client-secret']),
    { execute: [client.allowInsecureRequests] });
  const audience = `urn:logto:organization:${opt['organization-id']}`;
  let tokens;
  try {
    tokens = await client.clientCredentialsGrant(config, { organization_id: opt['organization-id'], scope: opt.scope ?? '' });
  } catch (e) {
    if (e instanceof client.ResponseBodyError) return { error: e.error, errorDescription: e.error_description, status: e.status };
    throw e;
  }
  const meta = config.serverMetadata();
  const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(meta.jwks_uri)),
    { issuer: meta.issuer, audience, typ: 'at+jwt' });
  return { accessTokenClaims: payload, scope: tokens.scope ?? null };
}

const commands = { code, organization, m2m };
try {
  const result = commands[command] ? await commands[command]() : (() => { throw new Error('unknown command ' + command); })();
  process.stdout.write(JSON.stringify(result));
} catch (e) {
  process.stdout.write(JSON.stringify({ crash: e.error ?? e.code ?? e.name, message: e.message }));
  process.exit(1);
}
