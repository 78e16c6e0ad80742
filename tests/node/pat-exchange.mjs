// Logto's personal access token exchange as an integrator's backend does it with openid-client: an RFC 8693 token
// exchange authenticated with the client secret; the access token is verified with jose against the JWKS.
//   node pat-exchange.mjs --issuer URL --client-id ID --client-secret S --subject-token PAT [--scope S]
// Prints {accessTokenClaims, alg, issuedTokenType, hasRefreshToken} or, when refused, {error, errorDescription, status}.
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const args = process.argv.slice(2);
const opt = {};
for (let i = 0; i < args.length; i += 2) opt[args[i].replace(/^--/, '')] = args[i + 1];

try {
  // http is allowed only because the stack under test listens on loopback.
  const config = await client.discovery(new URL(opt.issuer), opt['client-id'], undefined, client.ClientSecretBasic(opt['client-secret']),
    { execute: [client.allowInsecureRequests] });
  const parameters = {
    subject_token: opt['subject-token'],
    subject_token_type: 'urn:logto:token-type:personal_access_token',
  };
  if (opt.scope) parameters.scope = opt.scope;
  let tokens;
  try {
    tokens = await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:token-exchange', parameters);
  } catch (e) {
    if (e instanceof client.ResponseBodyError) {
      process.stdout.write(JSON.stringify({ error: e.error, errorDescription: e.error_description, status: e.status }));
      process.exit(0);
    }
    throw e;
  }
  const meta = config.serverMetadata();
  const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(meta.jwks_uri)),
    { issuer: meta.issuer, typ: 'at+jwt' });
  process.stdout.write(JSON.stringify({
    accessTokenClaims: payload, alg: protectedHeader.alg, issuedTokenType: tokens.issued_token_type,
    hasRefreshToken: typeof tokens.refresh_token === 'string',
  }));
} catch (e) {
  process.stdout.write(JSON.stringify({ crash: e.error ?? e.code ?? e.name, message: e.message }));
  process.exit(1);
}
