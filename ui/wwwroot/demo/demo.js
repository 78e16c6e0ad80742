// demo-spa: an independent public OIDC client that happens to be served by the ui. It uses only standard endpoints
// (authorization code + PKCE S256, token, userinfo, RP-initiated logout), like any third-party SPA would.
import { initI18n, t, locale, renderLanguageSwitch } from '/assets/i18n.js';
import { h } from '/assets/dom.js';

const CLIENT_ID = 'demo-spa';
const SCOPES = 'openid profile email phone offline_access';
const origin = location.origin;
const issuer = `${origin}/oidc`;
const redirectUri = `${origin}/demo/callback`;
const PENDING = 'demo-spa.pending';
const TOKENS = 'demo-spa.tokens';
const main = document.getElementById('main');

const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomValue = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

function decodeJwtPayload(jwt) {
  const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const json = new TextDecoder().decode(Uint8Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')), (c) => c.charCodeAt(0)));
  return JSON.parse(json);
}

class DemoError extends Error {
  constructor(key, vars = {}) { super(key); this.key = key; this.vars = vars; }
}

async function signIn() {
  const verifier = randomValue();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = randomValue();
  const nonce = randomValue();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce }));
  const params = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: SCOPES,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    // offline_access is only honoured with prompt=consent (OIDC Core §11); first-party consent is implicit anyway.
    prompt: 'consent',
    ui_locales: locale,
  });
  location.assign(`${issuer}/auth?${params}`);
}

async function tokenRequest(form) {
  let response;
  try {
    response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ client_id: CLIENT_ID, ...form }),
    });
  } catch {
    throw new DemoError('demo.errors.network');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new DemoError('demo.errors.token', { error: body.error ?? response.status });
  return body;
}

/** RFC 9207: when the OP advertises the iss parameter, a response without it (or with another issuer) is refused. */
async function checkIssuer(iss) {
  if (iss !== null) {
    if (iss !== issuer) throw new DemoError('demo.errors.issuer_mismatch');
    return;
  }
  const discovery = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.json()).catch(() => ({}));
  if (discovery.authorization_response_iss_parameter_supported) throw new DemoError('demo.errors.issuer_mismatch');
}

async function callback() {
  main.replaceChildren(h('p', { role: 'status' }, t('demo.completing')));
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING); // one use: a replayed callback finds nothing
  if (!pending || params.get('state') !== pending.state) throw new DemoError('demo.errors.state_mismatch');
  await checkIssuer(params.get('iss'));
  if (params.get('error')) throw new DemoError('demo.errors.authorization', { error: params.get('error') });
  const code = params.get('code');
  if (!code) throw new DemoError('demo.errors.missing_code');
  const tokens = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pending.verifier });
  // The ID token comes straight from the token endpoint over the same origin, so (OIDC Core §3.1.3.7) the TLS
  // channel stands in for the signature check; the claims that bind it to this request are still checked.
  const claims = decodeJwtPayload(tokens.id_token);
  if (claims.iss !== issuer) throw new DemoError('demo.errors.issuer_mismatch');
  if (claims.nonce !== pending.nonce) throw new DemoError('demo.errors.nonce_mismatch');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(CLIENT_ID)) throw new DemoError('demo.errors.audience_mismatch');
  sessionStorage.setItem(TOKENS, JSON.stringify(tokens));
  history.replaceState(null, '', `/demo/?ui_locales=${locale}`); // the code must not stay in the address bar
  await home();
}

async function userinfo(accessToken) {
  const response = await fetch(`${issuer}/me`, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' } });
  if (!response.ok) throw new DemoError('demo.errors.userinfo', { status: response.status });
  return response.json();
}

function claimsTable(claims) {
  return h('table', { class: 'claims', id: 'id-token-claims' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('demo.claim')), h('th', { scope: 'col' }, t('demo.value')))),
    h('tbody', {}, Object.entries(claims).map(([name, value]) =>
      h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, typeof value === 'string' ? value : JSON.stringify(value))))));
}

function signOut() {
  const tokens = JSON.parse(sessionStorage.getItem(TOKENS) ?? '{}');
  sessionStorage.removeItem(TOKENS);
  const params = new URLSearchParams({ post_logout_redirect_uri: `${origin}/demo/`, client_id: CLIENT_ID });
  if (tokens.id_token) params.set('id_token_hint', tokens.id_token);
  location.assign(`${issuer}/session/end?${params}`);
}

async function refresh(status) {
  const tokens = JSON.parse(sessionStorage.getItem(TOKENS) ?? '{}');
  if (!tokens.refresh_token) throw new DemoError('demo.errors.no_refresh_token');
  const renewed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  // Rotation: the new refresh token replaces the old one; a response without one keeps the previous (if allowed).
  sessionStorage.setItem(TOKENS, JSON.stringify({ ...tokens, ...renewed }));
  await home();
  document.getElementById('status').textContent = t('demo.refreshed');
}

async function home() {
  const tokens = JSON.parse(sessionStorage.getItem(TOKENS) ?? 'null');
  const status = h('p', { id: 'status', role: 'status', 'aria-live': 'polite' });
  if (!tokens?.id_token) {
    main.replaceChildren(
      h('h1', {}, t('demo.title')), h('p', { class: 'muted' }, t('demo.intro')), h('p', {}, t('demo.signed_out')),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'sign-in', onclick: () => run(signIn) }, t('demo.sign_in'))), status);
    return;
  }
  const me = h('pre', { id: 'userinfo' }, '…');
  main.replaceChildren(
    h('h1', {}, t('demo.title')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'refresh', class: 'secondary', onclick: () => run(refresh) }, t('demo.refresh')),
      h('button', { type: 'button', id: 'sign-out', onclick: () => run(signOut) }, t('demo.sign_out'))),
    status,
    h('h2', {}, t('demo.id_token_claims')), claimsTable(decodeJwtPayload(tokens.id_token)),
    h('h2', {}, t('demo.userinfo')), me);
  try {
    me.textContent = JSON.stringify(await userinfo(tokens.access_token), null, 2);
  } catch (e) {
    me.textContent = e instanceof DemoError ? t(e.key, e.vars) : t('demo.errors.network');
  }
}

async function run(action) {
  try {
    await action();
  } catch (e) {
    const message = e instanceof DemoError ? t(e.key, e.vars) : t('errors.unknown');
    const status = document.getElementById('status');
    if (status) status.textContent = message;
    else main.replaceChildren(h('h1', {}, t('demo.title')), h('p', { id: 'status', role: 'alert' }, message),
      h('p', {}, h('a', { href: '/demo/' }, t('demo.back'))));
  }
}

await initI18n();
renderLanguageSwitch(document.getElementById('language-switch'));
document.title = t('demo.title');
await run(location.pathname.replace(/\/+$/, '') === '/demo/callback' ? callback : home);
