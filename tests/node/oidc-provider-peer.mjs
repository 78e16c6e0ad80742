// The reference peer: panva's oidc-provider (OpenID Certified) issuing RS256 JWT access tokens by client credentials.
//   node tests/node/oidc-provider-peer.mjs PORT (run from tests/node, where its packages are)   -> prints "ready" once listening
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.argv[2] ?? 18999);
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await jose.exportJWK(privateKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
const resource = 'urn:bench:api';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{ client_id: 'bench', client_secret: 'bench-secret-0123456789abcdef0123456789', grant_types: ['client_credentials'],
    response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_post' }],
  jwks: { keys: [jwk] },
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      getResourceServerInfo: () => ({ scope: 'all', audience: resource, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => console.log('ready'));
