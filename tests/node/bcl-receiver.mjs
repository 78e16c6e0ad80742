// A relying party's back-channel logout endpoint (OpenID Back-Channel Logout 1.0 §2.5-2.6), for the end-to-end tests.
// Validates every logout_token with jose against the OP's JWKS and appends one JSON line per POST to --log, so the
// record survives this process being stopped and started again (the "receiver down" test).
//   node bcl-receiver.mjs --port P --issuer ISSUER --jwks JWKS_URL --log FILE
// POST /bcl/<name>  (form: logout_token) -> 200 when valid, 400 otherwise (always Cache-Control: no-store).
// Prints "ready" once listening.
import http from 'node:http';
import fs from 'node:fs';
import * as jose from 'jose';

const opt = {};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) opt[args[i].replace(/^--/, '')] = args[i + 1];
const jwks = jose.createRemoteJWKSet(new URL(opt.jwks));
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

async function validate(token) {
  // Signature (RS256 only, our JWKS), iss, typ (explicit typing, §2.4), iat not in the future and < 1 day old, exp.
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
    issuer: opt.issuer, typ: 'logout+jwt', algorithms: ['RS256'], maxTokenAge: '1 day', clockTolerance: 300, requiredClaims: ['iat', 'exp', 'jti', 'aud'],
  });
  const problems = [];
  const events = payload.events;
  if (!events || typeof events !== 'object' || Array.isArray(events) || Object.keys(events).length !== 1
      || typeof events[EVENT] !== 'object' || events[EVENT] === null || Object.keys(events[EVENT]).length !== 0) problems.push('events');
  if (!payload.sub && !payload.sid) problems.push('sub_or_sid');
  if ('nonce' in payload) problems.push('nonce');
  return { payload, protectedHeader, problems };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.replace(/^\/bcl\//, ''));
    const body = Buffer.concat(chunks).toString();
    const form = new URLSearchParams(body);
    const record = {
      name, method: req.method, contentType: req.headers['content-type'] ?? null, fields: [...form.keys()], receivedAt: Date.now(),
    };
    try {
      const { payload, protectedHeader, problems } = await validate(form.get('logout_token') ?? '');
      Object.assign(record, { valid: problems.length === 0, problems, claims: payload, header: protectedHeader });
    } catch (e) {
      Object.assign(record, { valid: false, problems: [e.code ?? e.name], error: e.message });
    }
    fs.appendFileSync(opt.log, JSON.stringify(record) + '\n');
    res.writeHead(record.valid ? 200 : 400, { 'Cache-Control': 'no-store' });
    res.end();
  });
});
server.listen(Number(opt.port), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
