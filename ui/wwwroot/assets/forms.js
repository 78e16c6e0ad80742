// Screens and forms: one accessible shape for every step (heading, live error region, labelled inputs, focus moved on change).
import { t, has } from './i18n.js';
import { h } from './dom.js';
import { ExperienceError } from './experience.js';

export const main = () => document.getElementById('main');

/** Seconds as a short localised wait: "45 seconds", "3 minutes". */
export function formatWait(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 0));
  return s < 90 ? t('common.seconds', { count: s }) : t('common.minutes', { count: Math.ceil(s / 60) });
}

/** The message for an error code; unknown codes get a generic sentence, never the server's text. */
export function messageFor(error) {
  const code = error instanceof ExperienceError ? error.code : 'unknown';
  if (code === 'password.rejected') {
    const reasons = (error.data?.reasons ?? error.data?.issues ?? []).map((r) => (typeof r === 'string' ? r : r?.code)).filter(Boolean);
    const details = reasons.map((r) => `password_reasons.${String(r).replace(/^password_rejected\./, '').replace(/^restricted\./, '')}`)
      .map((k) => (k === 'password_reasons.user_info' ? 'password_reasons.personal_info' : k))
      .filter(has).map((k) => t(k));
    return [t('errors.password.rejected'), ...new Set(details)].join(' ');
  }
  if (has(`errors.${code}`)) {
    const wait = error.retryAfter ?? error.data?.retryAfter;
    return t(`errors.${code}`, { wait: wait ? formatWait(wait) : t('common.a_moment') });
  }
  return t(error instanceof ExperienceError && error.status >= 500 ? 'errors.request.unavailable' : 'errors.unknown');
}

/** Inputs an error points at (aria-invalid), by error code. */
function invalidFieldsFor(error, ids) {
  const pick = (...wanted) => wanted.filter((id) => ids.includes(id));
  switch (error?.code) {
    case 'user.username_already_in_use': case 'user.invalid_email': case 'user.invalid_phone':
    case 'user.email_already_in_use': case 'user.phone_already_in_use': case 'user.user_not_exist':
      return pick('identifier');
    case 'password.rejected': case 'user.same_password': return pick('password', 'confirm-password');
    case 'session.invalid_credentials': return pick('identifier', 'password');
    case 'verification_code.code_mismatch': case 'verification_code.expired': case 'verification_code.exceed_max_try':
    case 'verification_code.not_found': return pick('code');
    default: return [];
  }
}

function field({ id, type = 'text', autocomplete, label, value, inputmode, maxlength, pattern, hint, required = true }) {
  const hintId = hint ? `${id}-hint` : undefined;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    h('input', {
      id, name: id, type, autocomplete, required, inputmode, maxlength, pattern, value,
      autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': hintId, 'data-hint': hintId,
    }));
}

/** The agreement line: a required checkbox (manual policies) or a sentence (automatic), both linking to the documents. */
export function termsBlock(settings, withCheckbox) {
  const links = [];
  if (settings.termsOfUseUrl) links.push(h('a', { href: settings.termsOfUseUrl, target: '_blank', rel: 'noopener noreferrer' }, t('terms.terms_of_use')));
  if (settings.privacyPolicyUrl) links.push(h('a', { href: settings.privacyPolicyUrl, target: '_blank', rel: 'noopener noreferrer' }, t('terms.privacy_policy')));
  if (links.length === 0) return null;
  const joined = links.length === 2 ? [links[0], ` ${t('terms.and')} `, links[1]] : links;
  if (!withCheckbox) return h('p', { class: 'terms muted', id: 'terms-text' }, t('terms.automatic'), ' ', ...joined, '.');
  return h('div', { class: 'terms checkbox' },
    h('input', { type: 'checkbox', id: 'terms', name: 'terms', required: true }),
    h('label', { for: 'terms' }, t('terms.agree'), ' ', ...joined));
}

/**
 * Renders one step. onSubmit(values, ui) may throw ExperienceError: the message is localised by code, shown in the live
 * region, and the fields it concerns are marked invalid. onError(error, ui) can handle a code itself (return true).
 */
export function screen({ title, intro, fields = [], submitLabel, onSubmit, onError, terms = null, before = [], after = [], footer = [] }) {
  const error = h('div', { id: 'error', class: 'error', role: 'alert', tabindex: '-1', 'aria-live': 'assertive', 'aria-atomic': 'true' });
  const button = submitLabel ? h('button', { type: 'submit' }, submitLabel) : null;
  const form = h('form', { novalidate: true }, error, ...before, ...fields.map(field), terms, ...after, button);
  const inputs = () => [...form.querySelectorAll('input')];
  const describedBy = (input, invalid) => [invalid ? 'error' : null, input.dataset.hint || null].filter(Boolean).join(' ');

  const showError = (message, invalidIds) => {
    const ids = invalidIds ?? [];
    error.textContent = message;
    for (const input of inputs()) {
      const invalid = ids.includes(input.id);
      if (invalid) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      const by = describedBy(input, invalid);
      if (by) input.setAttribute('aria-describedby', by); else input.removeAttribute('aria-describedby');
    }
    const first = form.querySelector('[aria-invalid="true"]');
    (first ?? error).focus?.();
  };
  const clearError = () => {
    error.textContent = '';
    for (const input of inputs()) {
      input.removeAttribute('aria-invalid');
      const by = describedBy(input, false);
      if (by) input.setAttribute('aria-describedby', by); else input.removeAttribute('aria-describedby');
    }
  };
  const ui = { showError, clearError, form, error, setBusy: (busy) => { if (button) button.disabled = busy; form.toggleAttribute('aria-busy', busy); } };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button?.disabled) return;
    clearError();
    const termsBox = form.querySelector('#terms');
    if (termsBox && !termsBox.checked) return showError(t('errors.validation.terms_required'), ['terms']);
    const values = Object.fromEntries(inputs().filter((i) => i.type !== 'checkbox').map((i) => [i.id, i.value]));
    ui.setBusy(true);
    try {
      await onSubmit(values, ui);
    } catch (e) {
      if (!(onError && onError(e, ui))) showError(messageFor(e), invalidFieldsFor(e, inputs().map((i) => i.id)));
    } finally {
      ui.setBusy(false);
    }
  });

  const heading = h('h1', { id: 'screen-title', tabindex: '-1' }, title);
  main().replaceChildren(heading, intro ? h('p', { id: 'message', class: 'intro' }, ...[].concat(intro)) : '', form, ...footer.filter(Boolean));
  document.title = title;
  // Focus follows the step: the first empty input, else the first input, else the heading (screen readers hear the title).
  const firstEmpty = inputs().find((i) => i.type !== 'checkbox' && !i.value) ?? inputs().find((i) => i.type !== 'checkbox');
  (firstEmpty ?? heading).focus();
  return ui;
}

/** A paragraph with an in-page action, like "Sign in with a verification code instead". */
export function actionLine(id, text, label, onClick) {
  const button = h('button', { type: 'button', class: 'link', id }, label);
  button.addEventListener('click', (e) => { e.preventDefault(); onClick(); });
  return h('p', { class: 'switch' }, text ? `${text} ` : '', button);
}

/** A paragraph with a link to another route, like "No account yet? Create one". */
export function routeLine(id, text, label, href) {
  return h('p', { class: 'switch', id }, text ? `${text} ` : '', h('a', { href }, label));
}

/** A message-only screen (no form). */
export function messageScreen(title, body, ...extra) {
  const heading = h('h1', { id: 'screen-title', tabindex: '-1' }, title);
  main().replaceChildren(heading, h('p', { id: 'message' }, body), ...extra.filter(Boolean));
  document.title = title;
  heading.focus();
}
