// Second factors, as Logto's screens, over the public Experience API only:
//   submit → 403 session.mfa.require_mfa_verification → verify one of data.availableFactors (passkey first) → submit again
//   submit → 422 user.missing_mfa → bind one of data.availableFactors → [backup codes, when enabled] → submit again
//   sign-in screen → "Sign in with a passkey" (discoverable credential, no identifier) → submit
// ctx = { settings, next } everywhere: next() is the app's submit, which may itself lead to another screen.
import { t } from './i18n.js';
import { h } from './dom.js';
import { mfa, ExperienceError } from './experience.js';
import { screen, messageScreen, messageFor } from './forms.js';

/** Logto's order: a passkey first, then the authenticator app, the backup code last. */
const ORDER = ['WebAuthn', 'Totp', 'BackupCode'];
const SLUG = { WebAuthn: 'webauthn', Totp: 'totp', BackupCode: 'backup-code' };

// ---- WebAuthn in the browser ----------------------------------------------------------------------------------

export const webAuthnSupported = () => typeof window.PublicKeyCredential === 'function' && Boolean(navigator.credentials);

const fromBase64Url = (value) => {
  const base64 = String(value).replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
};
const toBase64Url = (buffer) => {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const withIds = (list) => (Array.isArray(list) ? list.map((c) => ({ ...c, id: fromBase64Url(c.id) })) : undefined);

/** The server sends the W3C JSON forms; browsers without the parse*FromJSON helpers get them converted by hand. */
function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  return { ...json, challenge: fromBase64Url(json.challenge), allowCredentials: withIds(json.allowCredentials) };
}

function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  return { ...json, challenge: fromBase64Url(json.challenge), user: { ...json.user, id: fromBase64Url(json.user.id) }, excludeCredentials: withIds(json.excludeCredentials) };
}

/** PublicKeyCredential.toJSON(), or the same shape built by hand for browsers that lack it. */
function credentialJson(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: toBase64Url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64Url(r.attestationObject);
    response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
  } else {
    response.authenticatorData = toBase64Url(r.authenticatorData);
    response.signature = toBase64Url(r.signature);
    if (r.userHandle) response.userHandle = toBase64Url(r.userHandle);
  }
  return {
    id: credential.id, rawId: toBase64Url(credential.rawId), type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: typeof credential.getClientExtensionResults === 'function' ? credential.getClientExtensionResults() : {},
    response,
  };
}

/** A browser refusal becomes a code localised like the server's (errors.webauthn.*), never the DOMException text. */
async function ceremony(run) {
  if (!webAuthnSupported()) throw new ExperienceError('webauthn.unsupported');
  // A browser runs one WebAuthn request at a time: a modal ceremony replaces the autofill offer.
  cancelPasskeyAutofill();
  let credential;
  try {
    credential = await run();
  } catch (e) {
    const name = e?.name;
    throw new ExperienceError(name === 'NotAllowedError' || name === 'AbortError' ? 'webauthn.cancelled'
      : name === 'InvalidStateError' ? 'webauthn.already_registered' : 'webauthn.failed');
  }
  if (!credential) throw new ExperienceError('webauthn.cancelled');
  return credentialJson(credential);
}
const getCredential = (options) => ceremony(() => navigator.credentials.get({ publicKey: requestOptions(options) }));
const createCredential = (options) => ceremony(() => navigator.credentials.create({ publicKey: creationOptions(options) }));

// ---- shared pieces --------------------------------------------------------------------------------------------

/** Known factors in Logto's order; a passkey needs a browser able to use it, unless nothing else is left. */
function usable(list) {
  const factors = ORDER.filter((f) => Array.isArray(list) && list.includes(f));
  const withBrowser = factors.filter((f) => f !== 'WebAuthn' || webAuthnSupported());
  return withBrowser.length ? withBrowser : factors;
}

const totpField = () => ({ id: 'code', label: t('mfa.fields.totp_code'), autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, pattern: '[0-9]*', hint: t('mfa.fields.totp_hint') });

/** Six digits; the form submits by itself once they are typed. */
function readTotp(code, ui) {
  const digits = String(code ?? '').replace(/\s/g, '');
  if (/^[0-9]{6}$/.test(digits)) return digits;
  ui.showError(t('errors.validation.code_format'), ['code']);
  return null;
}
function autoSubmit(ui) {
  const input = ui.form.querySelector('#code');
  input.addEventListener('input', () => {
    input.value = input.value.replace(/[^0-9]/g, '').slice(0, 6);
    if (input.value.length === 6) ui.form.requestSubmit();
  });
}

/** Wrong codes and lockouts point at the field that was wrong. */
const FIELD_ERRORS = ['session.mfa.invalid_totp_code', 'session.mfa.invalid_backup_code', 'session.verification_blocked_too_many_attempts'];
const fieldError = (id) => (e, ui) => {
  if (!FIELD_ERRORS.includes(e?.code)) return false;
  ui.showError(messageFor(e), [id]);
  return true;
};

function actionButton(id, label, onClick, className = 'secondary') {
  const button = h('button', { type: 'button', class: className, id }, label);
  button.addEventListener('click', onClick);
  return button;
}

// ---- verification (403 session.mfa.require_mfa_verification) --------------------------------------------------

export function mfaVerificationScreen(availableFactors, ctx) {
  const factors = usable(availableFactors);
  if (factors.length === 0) return messageScreen(t('mfa.verify.title'), t('mfa.verify.unavailable'));
  return verifyWith(factors[0], factors, ctx);
}

/** "Try another method": one button per other factor the user has. */
function otherMethods(current, factors, go) {
  const others = factors.filter((f) => f !== current);
  if (others.length === 0) return null;
  return h('div', { class: 'switch other-methods', id: 'mfa-other-methods' },
    h('p', { id: 'mfa-other-methods-label' }, t('mfa.verify.other_methods')),
    h('ul', { class: 'methods', 'aria-labelledby': 'mfa-other-methods-label' },
      others.map((f) => h('li', {}, actionButton(`mfa-use-${SLUG[f]}`, t(`mfa.verify.use.${SLUG[f]}`), () => go(f), 'link')))));
}

function verifyWith(factor, factors, ctx) {
  const footer = [otherMethods(factor, factors, (f) => verifyWith(f, factors, ctx))];
  const title = t('mfa.verify.title');
  if (factor === 'Totp') {
    const ui = screen({
      title, intro: t('mfa.verify.totp_intro'), fields: [totpField()], submitLabel: t('mfa.verify.submit'), footer,
      onSubmit: async ({ code }, formUi) => {
        const digits = readTotp(code, formUi);
        if (!digits) return undefined;
        await mfa.verifyTotp(digits);
        return ctx.next();
      },
      onError: fieldError('code'),
    });
    return autoSubmit(ui);
  }
  if (factor === 'BackupCode') {
    return screen({
      title, intro: t('mfa.verify.backup_code_intro'), submitLabel: t('mfa.verify.submit'), footer,
      fields: [{ id: 'backup-code', label: t('mfa.fields.backup_code'), autocomplete: 'one-time-code', maxlength: 40, hint: t('mfa.fields.backup_code_hint') }],
      onSubmit: async ({ 'backup-code': code }, formUi) => {
        const value = String(code ?? '').trim();
        if (!value) return formUi.showError(t('errors.validation.backup_code_required'), ['backup-code']);
        await mfa.verifyBackupCode(value);
        return ctx.next();
      },
      onError: fieldError('backup-code'),
    });
  }
  // A passkey or security key: the ceremony starts from the button (Safari asks for a user gesture).
  return screen({
    title, intro: t('mfa.verify.webauthn_intro'), submitLabel: t('mfa.verify.webauthn_submit'), footer,
    onSubmit: async () => {
      const { verificationId, authenticationOptions } = await mfa.webAuthnAuthentication();
      const payload = await getCredential(authenticationOptions);
      await mfa.verifyWebAuthnAuthentication(verificationId, payload);
      return ctx.next();
    },
  });
}

// ---- enrolment (422 user.missing_mfa) ----------------------------------------------------------------------------

export function mfaEnrolmentScreen(availableFactors, ctx) {
  // Backup codes come after a first factor, never alone (session.mfa.backup_code_can_not_be_alone).
  const factors = usable(availableFactors).filter((f) => f !== 'BackupCode');
  if (factors.length === 0) return messageScreen(t('mfa.enrol.title'), t('errors.user.missing_mfa'));
  if (factors.length === 1) return enrolWith(factors[0], factors, ctx);
  return chooseFactorScreen(factors, ctx);
}

function chooseFactorScreen(factors, ctx) {
  const ui = screen({
    title: t('mfa.enrol.title'), intro: t('mfa.enrol.intro'),
    after: [h('ul', { class: 'methods', id: 'mfa-factors' }, factors.map((f) => h('li', {},
      actionButton(`mfa-enrol-${SLUG[f]}`, t(`mfa.enrol.choose.${SLUG[f]}`), async () => {
        ui.clearError();
        try { await enrolWith(f, factors, ctx); } catch (e) { ui.showError(messageFor(e), []); }
      }))))],
  });
}

function enrolWith(factor, factors, ctx) {
  const back = factors.length > 1
    ? h('p', { class: 'switch' }, actionButton('back', t('mfa.enrol.other_factor'), () => chooseFactorScreen(factors, ctx), 'link'))
    : null;
  return factor === 'Totp' ? enrolTotp(back, ctx) : enrolWebAuthn(back, ctx);
}

async function enrolTotp(back, ctx) {
  const { verificationId, secret, secretQrCode } = await mfa.totpSecret();
  // Only an image data URI from the API is shown (CSP img-src allows data:, nothing else off-origin).
  const qr = typeof secretQrCode === 'string' && secretQrCode.startsWith('data:image/')
    ? h('img', { id: 'totp-qr', class: 'qr', src: secretQrCode, alt: t('mfa.enrol.qr_alt'), width: 200, height: 200 })
    : null;
  const grouped = String(secret ?? '').match(/.{1,4}/g)?.join(' ') ?? '';
  const ui = screen({
    title: t('mfa.enrol.totp_title'), intro: t('mfa.enrol.totp_intro'),
    before: [qr, h('p', { class: 'secret-label' }, t('mfa.enrol.secret_label')), h('p', { class: 'secret' }, h('code', { id: 'totp-secret' }, grouped))],
    fields: [totpField()], submitLabel: t('mfa.enrol.totp_submit'), footer: [back],
    onSubmit: async ({ code }, formUi) => {
      const digits = readTotp(code, formUi);
      if (!digits) return undefined;
      await mfa.verifyTotp(digits, verificationId);
      await mfa.bind('Totp', verificationId);
      return afterFirstFactor(ctx);
    },
    onError: fieldError('code'),
  });
  autoSubmit(ui);
}

function enrolWebAuthn(back, ctx) {
  screen({
    title: t('mfa.enrol.webauthn_title'), intro: t('mfa.enrol.webauthn_intro'), submitLabel: t('mfa.enrol.webauthn_submit'), footer: [back],
    onSubmit: async () => {
      const { verificationId, registrationOptions } = await mfa.webAuthnRegistration();
      const payload = await createCredential(registrationOptions);
      await mfa.verifyWebAuthnRegistration(verificationId, payload);
      await mfa.bind('WebAuthn', verificationId);
      return afterFirstFactor(ctx);
    },
  });
}

/** Logto binds backup codes right after the first factor when they are enabled; the user must confirm they saved them. */
async function afterFirstFactor(ctx) {
  if (!(ctx.settings?.mfa?.factors ?? []).includes('BackupCode')) return ctx.next();
  try {
    return await backupCodesScreen(ctx);
  } catch (e) {
    // The first factor is bound already: retry only the codes, never the factor.
    const ui = screen({ title: t('mfa.backup.title'), submitLabel: t('mfa.backup.retry'), onSubmit: () => afterFirstFactor(ctx) });
    return ui.showError(messageFor(e), []);
  }
}

async function backupCodesScreen(ctx) {
  const { verificationId, codes } = await mfa.generateBackupCodes();
  const list = Array.isArray(codes) ? codes.map(String) : [];
  const status = h('p', { id: 'status', role: 'status', class: 'muted' });
  const file = `${t('mfa.backup.file_header')}\n\n${list.join('\n')}\n`;
  const copy = actionButton('copy-backup-codes', t('mfa.backup.copy'), async () => {
    try { await navigator.clipboard.writeText(list.join('\n')); status.textContent = t('mfa.backup.copied'); } catch { status.textContent = t('mfa.backup.copy_failed'); }
  });
  const download = h('a', { class: 'button secondary', id: 'download-backup-codes', download: 'backup-codes.txt', href: URL.createObjectURL(new Blob([file], { type: 'text/plain' })) }, t('mfa.backup.download'));
  const saved = h('div', { class: 'checkbox' },
    h('input', { type: 'checkbox', id: 'backup-codes-saved', name: 'backup-codes-saved' }),
    h('label', { for: 'backup-codes-saved' }, t('mfa.backup.saved')));
  screen({
    title: t('mfa.backup.title'), intro: t('mfa.backup.intro'),
    before: [h('ul', { id: 'backup-codes', class: 'backup-codes', 'aria-label': t('mfa.backup.list_label') }, list.map((c) => h('li', {}, h('code', {}, c)))),
      h('div', { class: 'actions' }, copy, download), status],
    after: [saved], submitLabel: t('common.continue'),
    onSubmit: async (_, ui) => {
      if (!document.getElementById('backup-codes-saved').checked) return ui.showError(t('mfa.backup.saved_required'), ['backup-codes-saved']);
      await mfa.bind('BackupCode', verificationId);
      return ctx.next();
    },
  });
}

// ---- passkey sign-in (first factor) -------------------------------------------------------------------------------

/** The "Sign in with a passkey" line of the sign-in screen, when WebAuthn is enabled and the browser can use it. */
export function passkeySignInLine(settings, { start, next }) {
  if (!(settings?.mfa?.factors ?? []).includes('WebAuthn') || !webAuthnSupported()) return null;
  const button = actionButton('passkey-sign-in', t('mfa.passkey.sign_in'), async () => {
    const error = document.getElementById('error');
    if (error) error.textContent = '';
    button.disabled = true;
    try {
      await start();
      const { verificationId, authenticationOptions } = await mfa.passkeyPreflight();
      const payload = await getCredential(authenticationOptions);
      await mfa.verifyPasskeySignIn(verificationId, payload);
      await next();
    } catch (e) {
      if (error?.isConnected) { error.textContent = messageFor(e); error.focus(); }
    } finally {
      button.disabled = false;
    }
  });
  return h('p', { class: 'passkey-line' }, button);
}

// ---- passkey autofill (conditional UI) ------------------------------------------------------------------------

let autofill = null;

/** Withdraws the autofill offer (before a modal ceremony, or when the user signs in another way). */
export function cancelPasskeyAutofill() {
  autofill?.abort();
  autofill = null;
}

/** Passkeys offered in the identifier field's autofill (its autocomplete has the webauthn token), where the browser can. */
export const passkeyAutofillEnabled = (settings) => (settings?.mfa?.factors ?? []).includes('WebAuthn') && webAuthnSupported();

/**
 * Starts the conditional request of the sign-in screen: nothing shows until the user focuses the identifier and picks
 * one of this site's passkeys; then it signs in like the button. The result is dropped when the screen has gone.
 */
export async function startPasskeyAutofill(settings, input, { start, next }) {
  if (!passkeyAutofillEnabled(settings) || typeof PublicKeyCredential.isConditionalMediationAvailable !== 'function') return;
  if (!(await PublicKeyCredential.isConditionalMediationAvailable().catch(() => false))) return;
  cancelPasskeyAutofill();
  const controller = new AbortController();
  autofill = controller;
  try {
    await start();
    const { verificationId, authenticationOptions } = await mfa.passkeyPreflight();
    if (controller.signal.aborted || !input.isConnected) return;
    const credential = await navigator.credentials.get({ mediation: 'conditional', publicKey: requestOptions(authenticationOptions), signal: controller.signal });
    if (controller.signal.aborted || !input.isConnected || !credential) return;
    autofill = null;
    await mfa.verifyPasskeySignIn(verificationId, credentialJson(credential));
    await next();
  } catch (e) {
    // Aborted or dismissed offers are not errors; anything else is shown like the button's.
    if (controller.signal.aborted || e?.name === 'AbortError' || e?.name === 'NotAllowedError') return;
    const error = document.getElementById('error');
    if (error?.isConnected && input.isConnected) { error.textContent = messageFor(e); error.focus(); }
  }
}
