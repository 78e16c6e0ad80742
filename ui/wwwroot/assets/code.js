// The code entry step, shared by sign-in/registration/reset codes (app.js) and second-factor codes (mfa.js), so both
// look and behave the same: six digits sent as soon as they are typed, resend after a countdown.
import { t } from './i18n.js';
import { h } from './dom.js';
import { screen, actionLine, messageFor } from './forms.js';
import { experience } from './experience.js';

export const RESEND_AFTER = 60;

/**
 * verify(verificationId, digits) → the verified record's id; resend() → a new verificationId (the old code is void).
 * Resend is offered once the countdown (60 s, or the server's retryAfter after a 429) is over.
 */
export function codeScreen({ title = t('code.title'), intro, verificationId, verify, resend: sendAgain, onVerified, back, footer = [], resendAfter = RESEND_AFTER }) {
  let current = verificationId;
  let timer;
  const resend = h('button', { type: 'button', class: 'link', id: 'resend' }, t('code.resend'));
  const status = h('p', { id: 'status', role: 'status', class: 'muted' });
  const countdown = (seconds) => {
    clearInterval(timer);
    let left = Math.ceil(seconds);
    const tick = () => {
      if (!resend.isConnected && left < seconds) return clearInterval(timer);
      if (left <= 0) { clearInterval(timer); resend.disabled = false; resend.textContent = t('code.resend'); return undefined; }
      resend.disabled = true;
      resend.textContent = t('code.resend_in', { seconds: left });
      left -= 1;
      return undefined;
    };
    tick();
    timer = setInterval(tick, 1000);
  };
  const ui = screen({
    title,
    intro,
    fields: [{ id: 'code', label: t('fields.code'), autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, pattern: '[0-9]*', hint: t('code.hint') }],
    submitLabel: t('code.submit'),
    after: [h('p', { class: 'resend' }, resend), status],
    footer: [...footer, back ? actionLine('back', '', t('common.back'), () => { clearInterval(timer); back(); }) : null],
    onSubmit: async ({ code }, formUi) => {
      const digits = String(code).replace(/\s/g, '');
      if (!/^[0-9]{6}$/.test(digits)) return formUi.showError(t('errors.validation.code_format'), ['code']);
      const verified = await verify(current, digits);
      clearInterval(timer);
      return onVerified(verified);
    },
  });
  const input = ui.form.querySelector('#code');
  input.addEventListener('input', () => {
    input.value = input.value.replace(/[^0-9]/g, '').slice(0, 6);
    if (input.value.length === 6) ui.form.requestSubmit();
  });
  resend.addEventListener('click', async () => {
    ui.clearError();
    status.textContent = '';
    resend.disabled = true;
    try {
      current = await sendAgain();
      status.textContent = t('code.resent');
      countdown(RESEND_AFTER);
      input.focus();
    } catch (e) {
      ui.showError(messageFor(e), []);
      countdown(e.retryAfter ?? 0);
    }
  });
  countdown(resendAfter);
  return ui;
}

/**
 * The code sent to an identifier ({type: 'email' | 'phone', value}) through POST …/verification/verification-code for
 * the interaction's event (event() → 'SignIn' | 'Register' | 'ForgotPassword'): sign-in, registration, reset, and
 * adding an address to the profile (profile completion, or an email/SMS second factor being set up).
 */
export function identifierCodeScreen({ identifier, verificationId, onVerified, back, footer = [], event }) {
  return codeScreen({
    intro: t(`code.intro_${identifier.type}`, { identifier: identifier.value }),
    verificationId, onVerified, back, footer,
    verify: async (id, digits) => (await experience.verifyCode(identifier, id, digits)).verificationId,
    resend: async () => (await experience.sendCode(identifier, event())).verificationId,
  });
}
