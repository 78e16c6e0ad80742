// The consent screen for third-party applications (Logto's /consent): what the application asks, authorize or cancel.
// Uses only the public consent API (GET/POST/DELETE /api/interaction/consent); texts come from the consent.* keys.
import { initI18n, t, has } from './i18n.js';
import { h } from './dom.js';

const main = document.getElementById('main');

async function call(method) {
  const response = await fetch('/api/interaction/consent', {
    method, credentials: 'include', headers: { Accept: 'application/json' },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.code ?? 'unknown'), { code: body.code ?? 'unknown', status: response.status });
  return body;
}

const scopeLabel = (scope) => (has(`consent.scopes.${scope}`) ? t(`consent.scopes.${scope}`) : scope);

function showError(code) {
  main.replaceChildren(h('h1', {}, t('consent.title')),
    h('p', { id: 'error', role: 'alert' }, t(has(`consent.errors.${code}`) ? `consent.errors.${code}` : 'consent.errors.unknown')));
}

async function decide(method, buttons) {
  for (const b of buttons) b.disabled = true;
  try {
    const { redirectTo } = await call(method);
    location.assign(redirectTo);
  } catch (e) {
    showError(e.code);
  }
}

async function render() {
  await initI18n();
  let info;
  try {
    info = await call('GET');
  } catch (e) {
    showError(e.code);
    return;
  }
  const appName = info.application?.name || info.application?.id || '';
  const user = info.user ?? {};
  const scopes = info.missingOIDCScope ?? [];
  const authorize = h('button', { id: 'consent-authorize', type: 'button' }, t('consent.authorize'));
  const cancel = h('button', { id: 'consent-cancel', type: 'button', class: 'secondary' }, t('consent.cancel'));
  authorize.addEventListener('click', () => decide('POST', [authorize, cancel]));
  cancel.addEventListener('click', () => decide('DELETE', [authorize, cancel]));
  main.replaceChildren(
    h('h1', {}, t('consent.title')),
    h('p', { id: 'consent-request' }, t('consent.request', { app: appName })),
    h('p', {}, t('consent.signed_in_as', { user: user.username || user.primaryEmail || user.name || user.id || '' })),
    scopes.length ? h('ul', { id: 'consent-scopes' }, scopes.map((s) => h('li', { 'data-scope': s }, scopeLabel(s)))) : null,
    h('div', { class: 'actions' }, authorize, cancel),
  );
  main.focus();
}

render();
