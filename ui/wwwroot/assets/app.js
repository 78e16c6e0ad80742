import { initI18n, t, has, renderLanguageSwitch } from './i18n.js';
import { experience, followRedirect, ExperienceError } from './experience.js';
import { h, readableTextOn } from './dom.js';

const main = document.getElementById('main');
let settings = {};

/** Branding from the sign-in experience when present; the page works without it. Only a name and a colour: no logo
 * URL, because a third-party image on the sign-in page would leak the visit (P-RF1). */
async function loadSignInExperience() {
  try {
    settings = (await experience.signInExperience()) ?? {};
  } catch {
    settings = {};
  }
  const branding = settings.branding ?? {};
  const name = branding.appName ?? branding.name ?? settings.appName;
  if (typeof name === 'string' && name.trim()) document.getElementById('app-name').textContent = name.trim();
  const color = branding.primaryColor ?? settings.color?.primaryColor;
  if (typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color)) {
    document.documentElement.style.setProperty('--brand', color);
    document.documentElement.style.setProperty('--brand-text', readableTextOn(color));
  }
}

const keep = (path) => `${path}${location.search}`;

/** The message for an error code; unknown codes get a generic sentence, never the server's text. */
function messageFor(error) {
  const code = error instanceof ExperienceError ? error.code : 'unknown';
  if (code === 'password.rejected') {
    const reasons = (error.data?.reasons ?? []).map((r) => (typeof r === 'string' ? r : r?.code)).filter(Boolean);
    const details = reasons.map((r) => `password_reasons.${String(r).replace(/^password_rejected\./, '')}`).filter(has).map((k) => t(k));
    return [t('errors.password.rejected'), ...details].join(' ');
  }
  if (has(`errors.${code}`)) return t(`errors.${code}`);
  return t(error instanceof ExperienceError && error.status >= 500 ? 'errors.request.unavailable' : 'errors.unknown');
}

function field({ id, type = 'text', autocomplete, label }) {
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name: id, type, autocomplete, required: true, autocapitalize: 'none', spellcheck: 'false' }));
}

/** One form for both flows: the error region is a live region, and failing inputs point at it. */
function credentialsForm({ title, fields, submitLabel, onSubmit, footer }) {
  const error = h('div', { id: 'error', class: 'error', role: 'alert', tabindex: '-1', 'aria-live': 'assertive', 'aria-atomic': 'true' });
  const button = h('button', { type: 'submit' }, submitLabel);
  const form = h('form', { novalidate: true }, error, ...fields.map(field), button);
  const inputs = () => [...form.querySelectorAll('input')];

  const showError = (message, invalidIds = inputs().map((i) => i.id)) => {
    error.textContent = message;
    for (const input of inputs()) {
      const invalid = invalidIds.includes(input.id);
      if (invalid) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', 'error');
      } else {
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      }
    }
    const first = form.querySelector('[aria-invalid="true"]');
    (first ?? error).focus?.();
  };
  const clearError = () => {
    error.textContent = '';
    for (const input of inputs()) { input.removeAttribute('aria-invalid'); input.removeAttribute('aria-describedby'); }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const values = Object.fromEntries(inputs().map((i) => [i.id, i.value]));
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(values, showError);
    } catch (e) {
      showError(messageFor(e), invalidFieldsFor(e));
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  main.replaceChildren(h('h1', {}, title), form, footer ?? '');
  document.title = title;
  form.querySelector('input')?.focus();
}

function invalidFieldsFor(error) {
  switch (error?.code) {
    case 'user.username_already_in_use': return ['identifier'];
    case 'password.rejected': return ['password', 'confirm-password'];
    case 'session.invalid_credentials': return ['identifier', 'password'];
    default: return [];
  }
}

async function completeInteraction(verificationId) {
  await experience.identify(verificationId);
  const result = await experience.submit();
  followRedirect(result.redirectTo);
}

function signInView() {
  const showRegister = settings.signInMode !== 'SignIn';
  credentialsForm({
    title: t('sign_in.title'),
    submitLabel: t('sign_in.submit'),
    fields: [
      { id: 'identifier', autocomplete: 'username', label: t('fields.username') },
      { id: 'password', type: 'password', autocomplete: 'current-password', label: t('fields.password') },
    ],
    footer: showRegister
      ? h('p', { class: 'switch', id: 'register-link' }, t('sign_in.no_account'), ' ', h('a', { href: keep('/register') }, t('sign_in.create_account')))
      : null,
    onSubmit: async ({ identifier, password }, showError) => {
      if (!identifier.trim()) return showError(t('errors.validation.username_required'), ['identifier']);
      if (!password) return showError(t('errors.validation.password_required'), ['password']);
      await experience.start('SignIn');
      const { verificationId } = await experience.verifyPassword(identifier.trim(), password);
      await completeInteraction(verificationId);
    },
  });
}

function registerView() {
  const showSignIn = settings.signInMode !== 'Register';
  credentialsForm({
    title: t('register.title'),
    submitLabel: t('register.submit'),
    fields: [
      { id: 'identifier', autocomplete: 'username', label: t('fields.username') },
      { id: 'password', type: 'password', autocomplete: 'new-password', label: t('fields.password') },
      { id: 'confirm-password', type: 'password', autocomplete: 'new-password', label: t('fields.confirm_password') },
    ],
    footer: showSignIn
      ? h('p', { class: 'switch', id: 'sign-in-link' }, t('register.have_account'), ' ', h('a', { href: keep('/sign-in') }, t('register.sign_in')))
      : null,
    onSubmit: async ({ identifier, password, 'confirm-password': confirm }, showError) => {
      if (!identifier.trim()) return showError(t('errors.validation.username_required'), ['identifier']);
      if (!password) return showError(t('errors.validation.password_required'), ['password']);
      if (password !== confirm) return showError(t('errors.validation.passwords_mismatch'), ['confirm-password']);
      await experience.start('Register');
      const { verificationId } = await experience.newPasswordIdentity(identifier.trim(), password);
      await completeInteraction(verificationId);
    },
  });
}

function messageView(titleKey, bodyKey, extra) {
  const title = t(titleKey);
  main.replaceChildren(h('h1', {}, title), h('p', { id: 'message' }, t(bodyKey)), extra ?? '');
  document.title = title;
}

/** /error?code=...: a known code gets its localized text; anything else gets the generic text (no reflected copy). */
function errorView() {
  const code = new URLSearchParams(location.search).get('code') ?? '';
  const key = /^[a-z_]+(\.[a-z_]+)*$/.test(code) && has(`errors.${code}`) ? `errors.${code}` : 'error_page.body';
  messageView('error_page.title', key);
}

const routes = {
  '/sign-in': signInView,
  '/register': registerView,
  '/error': errorView,
  '/': () => messageView('home.title', 'home.body'),
};

async function start() {
  await initI18n();
  renderLanguageSwitch(document.getElementById('language-switch'));
  await loadSignInExperience();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  (routes[path] ?? (() => messageView('not_found.title', 'not_found.body')))();
}

start();
