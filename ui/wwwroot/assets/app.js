// The hosted sign-in experience: Logto's screens over the public Experience API only.
// Flow of a code sign-in:  identifier → (password | code) → identification → [profile completion] → [terms] → submit → redirectTo
import { initI18n, t, has, renderLanguageSwitch } from './i18n.js';
import { experience, followRedirect } from './experience.js';
import { h, readableTextOn } from './dom.js';
import { screen, messageScreen, actionLine, routeLine, termsBlock, messageFor } from './forms.js';
import { IDENTIFIER_TYPES, detectIdentifierType, normalizeIdentifier, isValidIdentifier, narrowTypes, inputHints } from './identifiers.js';
import { identifierCodeScreen } from './code.js';
import { externalSignInBlock, ssoForEmail, singleSignOnScreen as ssoScreen, directSignIn, callbackPage, linkScreen } from './social.js';
import { mfaVerificationScreen, mfaEnrolmentScreen, backupCodesRequiredScreen, passkeySignInLine, passkeySignInEnabled, startPasskeyAutofill, cancelPasskeyAutofill } from './mfa.js';

let settings = {};
const params = new URLSearchParams(location.search);
/** What the user has done in this page load: the terms box ticked, the event the interaction is in. */
const state = { termsAgreed: false, event: null };
/** login_hint pre-fills the identifier on the first screen only (Logto), so it is consumed once. */
let loginHint = (params.get('login_hint') ?? '').slice(0, 256);
const takeLoginHint = () => { const hint = loginHint; loginHint = ''; return hint; };

/** Another route of the UI, keeping the authentication parameters (ui_locales, identifier, …) but not login_hint. */
function keep(path) {
  const next = new URLSearchParams(location.search);
  next.delete('login_hint');
  const query = next.toString();
  return query ? `${path}?${query}` : path;
}

// ---- the sign-in experience settings -------------------------------------------------------------------------------

const DEFAULT_METHODS = [{ identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true }];
const mode = () => settings.signInMode ?? 'SignInAndRegister';
const canRegister = () => mode() !== 'SignIn';
const canSignIn = () => mode() !== 'Register';
/** Sign-in methods the UI can drive: codes exist for email and phone only. */
const methods = () => (Array.isArray(settings.signIn?.methods) ? settings.signIn.methods : DEFAULT_METHODS)
  .filter((m) => IDENTIFIER_TYPES.includes(m.identifier))
  .map((m) => ({ ...m, verificationCode: Boolean(m.verificationCode) && m.identifier !== 'username' }))
  .filter((m) => m.password || m.verificationCode);
const methodFor = (type) => methods().find((m) => m.identifier === type);
const signUpTypes = () => (Array.isArray(settings.signUp?.identifiers) ? settings.signUp.identifiers : ['username']).filter((x) => IDENTIFIER_TYPES.includes(x));
/** forgotPassword {email, phone}; a server that does not say yet is assumed to offer both (the API answers either way). */
const resetTypes = () => (settings.forgotPassword ? ['email', 'phone'].filter((x) => settings.forgotPassword[x]) : ['email', 'phone']);

/** Logto's agreeToTermsPolicy: 'checkbox' on the forms it covers, 'text' (by continuing you agree) elsewhere. */
function termsMode(event) {
  if (!settings.termsOfUseUrl && !settings.privacyPolicyUrl) return null;
  if (event === 'ForgotPassword') return null;
  const policy = settings.agreeToTermsPolicy ?? 'Automatic';
  if (policy === 'Manual' || (policy === 'ManualRegistrationOnly' && event === 'Register')) return 'checkbox';
  return policy === 'Automatic' ? 'text' : null;
}
const termsFor = (event) => {
  const m = termsMode(event);
  if (!m || (m === 'checkbox' && state.termsAgreed)) return null;
  return termsBlock(settings, m === 'checkbox');
};
/** Remembers a ticked box: the agreement is sent to the server right before submit. */
const noteTerms = () => { if (document.getElementById('terms')?.checked) state.termsAgreed = true; };

function identifierLabel(types) {
  const order = IDENTIFIER_TYPES.filter((x) => types.includes(x));
  return order.length === 1 ? t(`fields.${order[0]}`) : t(`fields.identifier.${order.join('_')}`);
}

/** Reads and checks the identifier input; shows the error itself and returns null when it is not usable. */
function readIdentifier(value, types, ui) {
  const type = detectIdentifierType(value, types);
  if (!String(value ?? '').trim()) { ui.showError(t('errors.validation.identifier_required', { kind: identifierLabel(types).toLowerCase() }), ['identifier']); return null; }
  const normalized = type ? normalizeIdentifier(type, value) : '';
  if (!type || !isValidIdentifier(type, normalized)) {
    ui.showError(t(type ? `errors.validation.invalid_${type}` : 'errors.validation.identifier_invalid', { kind: identifierLabel(types).toLowerCase() }), ['identifier']);
    return null;
  }
  return { type, value: normalized };
}

async function start(event) {
  await experience.start(event);
  state.event = event;
}

// ---- finishing: identification, cross-overs, profile completion, submit -----------------------------------------

/**
 * Identifies with a verification record and submits. Handles the answers that lead to another screen:
 * SignIn by code for an unknown identifier → "create an account?"; Register with an existing identifier → "sign in
 * instead?"; 422 user.missing_profile → profile completion, then the same step again.
 */
async function complete(verificationId, ctx) {
  try {
    await experience.identify(verificationId);
  } catch (e) {
    if (e.code === 'user.missing_profile') return profileScreen(e.data?.missingProfile, () => complete(verificationId, ctx));
    if (!ctx.crossed && ctx.viaCode && e.code === 'user.user_not_exist' && state.event === 'SignIn' && canRegister())
      return crossOverScreen('Register', verificationId, ctx);
    if (!ctx.crossed && ctx.viaCode && (e.code === 'user.email_already_in_use' || e.code === 'user.phone_already_in_use')
      && state.event === 'Register' && canSignIn() && methodFor(ctx.identifier.type)?.verificationCode)
      return crossOverScreen('SignIn', verificationId, ctx);
    throw e;
  }
  return submitInteraction();
}

async function submitInteraction() {
  try {
    if (state.termsAgreed && state.event !== 'ForgotPassword') await experience.agreeToTerms();
    const result = await experience.submit();
    if (result?.redirectTo) followRedirect(result.redirectTo);
  } catch (e) {
    if (e.code === 'user.missing_profile') return profileScreen(e.data?.missingProfile, submitInteraction);
    if (e.code === 'terms.not_agreed') return termsScreen(submitInteraction);
    // Second factors (mfa.js): verify one the user has, or bind one when the policy asks (maybe skippable), or save
    // backup codes after binding one; then submit again.
    const mfaCtx = { settings, next: submitInteraction, event: () => state.event ?? 'SignIn' };
    if (e.code === 'session.mfa.require_mfa_verification') return mfaVerificationScreen(e.data, mfaCtx);
    if (e.code === 'user.missing_mfa') return mfaEnrolmentScreen(e.data, mfaCtx);
    if (e.code === 'session.mfa.backup_code_required') return backupCodesRequiredScreen(mfaCtx);
    throw e;
  }
  return undefined;
}

function crossOverScreen(event, verificationId, ctx) {
  const toRegister = event === 'Register';
  const key = toRegister ? 'cross_over.register' : 'cross_over.sign_in';
  const needsTerms = termsMode(event) === 'checkbox' && !state.termsAgreed;
  screen({
    title: t(`${key}.title`),
    intro: t(`${key}.body`, { identifier: ctx.identifier.value }),
    terms: needsTerms ? termsBlock(settings, true) : null,
    submitLabel: t(`${key}.confirm`),
    footer: [actionLine('cancel', '', t('common.back'), ctx.back)],
    onSubmit: async () => {
      noteTerms();
      await experience.switchEvent(event);
      state.event = event;
      await complete(verificationId, { ...ctx, crossed: true });
    },
  });
}

/** submit said the agreement is missing (the policy changed meanwhile, or a cross-over into registration). */
function termsScreen(next) {
  screen({
    title: t('terms.title'),
    terms: termsBlock(settings, true),
    submitLabel: t('common.continue'),
    onSubmit: async () => { noteTerms(); await next(); },
  });
}

/** Profile completion: one missing item at a time; the step that asked is retried afterwards (it may ask for the next). */
function profileScreen(missing, next) {
  const items = Array.isArray(missing) ? missing : [];
  const item = ['password', 'username', 'email', 'phone', 'emailOrPhone'].find((x) => items.includes(x)) ?? items[0];
  if (item === 'password') {
    return screen({
      title: t('profile.password_title'),
      intro: t('profile.password_intro'),
      fields: [
        { id: 'password', type: 'password', autocomplete: 'new-password', label: t('fields.new_password') },
        { id: 'confirm-password', type: 'password', autocomplete: 'new-password', label: t('fields.confirm_password') },
      ],
      submitLabel: t('common.continue'),
      onSubmit: async ({ password, 'confirm-password': confirm }, ui) => {
        if (!password) return ui.showError(t('errors.validation.password_required'), ['password']);
        if (password !== confirm) return ui.showError(t('errors.validation.passwords_mismatch'), ['confirm-password']);
        await experience.addProfile({ type: 'password', value: password });
        return next();
      },
    });
  }
  if (item === 'username') {
    return screen({
      title: t('profile.username_title'),
      intro: t('profile.username_intro'),
      fields: [{ id: 'identifier', autocomplete: 'username', label: t('fields.username') }],
      submitLabel: t('common.continue'),
      onSubmit: async ({ identifier }, ui) => {
        const id = readIdentifier(identifier, ['username'], ui);
        if (!id) return undefined;
        await experience.addProfile({ type: 'username', value: id.value });
        return next();
      },
    });
  }
  if (item === 'email' || item === 'phone' || item === 'emailOrPhone') {
    const types = item === 'emailOrPhone' ? ['email', 'phone'] : [item];
    const again = () => profileScreen(missing, next);
    return screen({
      title: t(`profile.${item}_title`),
      intro: t('profile.identifier_intro'),
      fields: [{ id: 'identifier', label: identifierLabel(types), ...inputHints(types) }],
      submitLabel: t('code.send'),
      onSubmit: async ({ identifier }, ui) => {
        const id = readIdentifier(identifier, types, ui);
        if (!id) return undefined;
        const { verificationId } = await experience.sendCode(id, state.event ?? 'SignIn');
        return codeScreen({
          identifier: id, verificationId, back: again,
          onVerified: async (verified) => { await experience.addProfile({ type: id.type, verificationId: verified }); await next(); },
        });
      },
    });
  }
  return messageScreen(t('error_page.title'), t('errors.user.missing_profile'));
}

// ---- the code screen ----------------------------------------------------------------------------------------------

/** The code sent to an identifier for the current event (code.js draws the screen). */
function codeScreen({ identifier, verificationId, onVerified, back, switchTo }) {
  return identifierCodeScreen({ identifier, verificationId, onVerified, back, footer: [switchTo], event: () => state.event ?? 'SignIn' });
}

/** Sends a code for the current event and opens the code screen; the send's errors stay on the calling form. */
async function sendCodeThen(identifier, { back, switchTo, onVerified }) {
  const { verificationId } = await experience.sendCode(identifier, state.event);
  codeScreen({ identifier, verificationId, back, switchTo, onVerified });
}

// ---- sign-in ------------------------------------------------------------------------------------------------------

function signInScreen({ identifierOnly = false } = {}) {
  if (!canSignIn()) return registerScreen({ replace: '/register' });
  let types = methods().map((m) => m.identifier);
  if (identifierOnly) types = narrowTypes(types, params.get('identifier'));
  if (types.length === 0) return messageScreen(t('sign_in.title'), t('sign_in.unavailable'));
  // Password only: identifier and password on one screen (Logto); otherwise identifier first, then the primary method.
  const passwordOnly = !identifierOnly && types.every((x) => methodFor(x).password && !methodFor(x).verificationCode);
  const back = () => signInScreen({ identifierOnly });
  const hints = inputHints(types);
  // The webauthn token lets the browser offer this site's passkeys in the field's autofill (conditional UI).
  if (passkeySignInEnabled(settings)) hints.autocomplete = `${hints.autocomplete} webauthn`;
  const fields = [{ id: 'identifier', label: identifierLabel(types), value: takeLoginHint(), ...hints }];
  if (passwordOnly) fields.push({ id: 'password', type: 'password', autocomplete: 'current-password', label: t('fields.password') });
  const signInStart = () => { noteTerms(); return start('SignIn'); };
  queueMicrotask(() => {
    const input = document.getElementById('identifier');
    if (input) startPasskeyAutofill(settings, input, { start: signInStart, next: submitInteraction });
  });
  return screen({
    title: t('sign_in.title'),
    fields,
    terms: termsFor('SignIn'),
    submitLabel: passwordOnly ? t('sign_in.submit') : t('common.continue'),
    footer: [
      externalSignInBlock(externalCtx(), keep),
      passkeySignInLine(settings, { start: signInStart, next: submitInteraction }),
      passwordOnly ? forgotPasswordLine() : null,
      canRegister() ? routeLine('register-link', t('sign_in.no_account'), t('sign_in.create_account'), keep('/register')) : null,
    ],
    onSubmit: async ({ identifier, password }, ui) => {
      const id = readIdentifier(identifier, types, ui);
      if (!id) return undefined;
      cancelPasskeyAutofill();
      noteTerms();
      // Domain detection: an organisation that signs in with SSO goes to its IdP (password and code are refused for it).
      if (id.type === 'email' && await ssoForEmail(externalCtx(), id.value)) return undefined;
      if (passwordOnly) {
        if (!password) return ui.showError(t('errors.validation.password_required'), ['password']);
        await start('SignIn');
        const { verificationId } = await experience.verifyPassword(id, password);
        return complete(verificationId, { identifier: id, back });
      }
      const method = methodFor(id.type);
      const passwordFirst = method.password && (method.isPasswordPrimary !== false || !method.verificationCode);
      return passwordFirst ? passwordScreen(id, method, back) : codeSignIn(id, method, back);
    },
  });
}

function forgotPasswordLine() {
  // Without the server's forgotPassword flags, offer the link only where accounts can have an email or a phone.
  const offered = settings.forgotPassword ? resetTypes().length > 0
    : [...methods().map((m) => m.identifier), ...signUpTypes()].some((x) => x === 'email' || x === 'phone');
  return offered ? routeLine('forgot-password-link', '', t('sign_in.forgot_password'), keep('/reset-password')) : null;
}

function passwordScreen(identifier, method, back) {
  const switchTo = method.verificationCode
    ? actionLine('switch-method', '', t('sign_in.use_code'), async () => {
      try { await codeSignIn(identifier, method, back); } catch (e) { const el = document.getElementById('error'); if (el) el.textContent = messageFor(e); }
    })
    : null;
  screen({
    title: t('sign_in.password_title'),
    intro: t('sign_in.password_intro', { identifier: identifier.value }),
    // The identifier again, for password managers (hidden from everyone else).
    before: [h('input', { type: 'text', name: 'username', autocomplete: 'username', value: identifier.value, hidden: true, 'aria-hidden': 'true', tabindex: '-1' })],
    fields: [{ id: 'password', type: 'password', autocomplete: 'current-password', label: t('fields.password') }],
    submitLabel: t('sign_in.submit'),
    footer: [switchTo, forgotPasswordLine(), actionLine('back', '', t('common.back'), back)],
    onSubmit: async ({ password }, ui) => {
      if (!password) return ui.showError(t('errors.validation.password_required'), ['password']);
      await start('SignIn');
      const { verificationId } = await experience.verifyPassword(identifier, password);
      return complete(verificationId, { identifier, back });
    },
  });
}

async function codeSignIn(identifier, method, back) {
  await start('SignIn');
  const switchTo = method.password
    ? actionLine('switch-method', '', t('sign_in.use_password'), () => passwordScreen(identifier, method, back))
    : null;
  try {
    await sendCodeThen(identifier, {
      back, switchTo,
      onVerified: (verificationId) => complete(verificationId, { identifier, viaCode: true, back }),
    });
  } catch (e) {
    // No code can be sent right now (cooldown after a recent one, delivery down): the password still works, so offer it.
    if (!method.password) throw e;
    passwordScreen(identifier, method, back);
    document.getElementById('error').textContent = messageFor(e);
  }
}

// ---- registration -------------------------------------------------------------------------------------------------

function registerScreen({ identifierOnly = false, replace } = {}) {
  if (replace) history.replaceState(null, '', keep(replace));
  if (!canRegister()) return signInScreen();
  let types = signUpTypes();
  if (identifierOnly) types = narrowTypes(types, params.get('identifier'));
  if (types.length === 0) return messageScreen(t('register.title'), t('register.unavailable'));
  const usernameOnly = types.length === 1 && types[0] === 'username';
  const back = () => registerScreen({ identifierOnly });
  const fields = [{ id: 'identifier', label: identifierLabel(types), value: takeLoginHint(), ...(usernameOnly ? { autocomplete: 'username' } : inputHints(types)) }];
  if (usernameOnly) {
    fields.push({ id: 'password', type: 'password', autocomplete: 'new-password', label: t('fields.password') },
      { id: 'confirm-password', type: 'password', autocomplete: 'new-password', label: t('fields.confirm_password') });
  }
  return screen({
    title: t('register.title'),
    fields,
    terms: termsFor('Register'),
    submitLabel: usernameOnly ? t('register.submit') : t('common.continue'),
    footer: [
      externalSignInBlock(externalCtx(), keep),
      canSignIn() ? routeLine('sign-in-link', t('register.have_account'), t('register.sign_in'), keep('/sign-in')) : null,
    ],
    onSubmit: async ({ identifier, password, 'confirm-password': confirm }, ui) => {
      const id = readIdentifier(identifier, types, ui);
      if (!id) return undefined;
      noteTerms();
      if (usernameOnly) return registerWithPassword(id, password, confirm, ui, back);
      if (id.type === 'username') return choosePasswordScreen(id, back);
      await start('Register');
      return sendCodeThen(id, { back, onVerified: (verificationId) => complete(verificationId, { identifier: id, viaCode: true, back }) });
    },
  });
}

async function registerWithPassword(identifier, password, confirm, ui, back) {
  if (!password) return ui.showError(t('errors.validation.password_required'), ['password']);
  if (password !== confirm) return ui.showError(t('errors.validation.passwords_mismatch'), ['confirm-password']);
  await start('Register');
  const { verificationId } = await experience.newPasswordIdentity(identifier, password);
  return complete(verificationId, { identifier, back });
}

function choosePasswordScreen(identifier, back) {
  screen({
    title: t('register.password_title'),
    intro: t('register.password_intro', { identifier: identifier.value }),
    fields: [
      { id: 'password', type: 'password', autocomplete: 'new-password', label: t('fields.password') },
      { id: 'confirm-password', type: 'password', autocomplete: 'new-password', label: t('fields.confirm_password') },
    ],
    submitLabel: t('register.submit'),
    footer: [actionLine('back', '', t('common.back'), back)],
    onSubmit: ({ password, 'confirm-password': confirm }, ui) => registerWithPassword(identifier, password, confirm, ui, back),
  });
}

// ---- reset password -----------------------------------------------------------------------------------------------

function resetScreen() {
  const types = narrowTypes(resetTypes(), params.get('identifier'));
  const signInLink = routeLine('sign-in-link', '', t('reset.back_to_sign_in'), keep('/sign-in'));
  if (types.length === 0) return messageScreen(t('reset.title'), t('reset.unavailable'), signInLink);
  return screen({
    title: t('reset.title'),
    intro: t('reset.intro'),
    fields: [{ id: 'identifier', label: identifierLabel(types), value: takeLoginHint(), ...inputHints(types) }],
    submitLabel: t('code.send'),
    footer: [signInLink],
    onSubmit: async ({ identifier }, ui) => {
      const id = readIdentifier(identifier, types, ui);
      if (!id) return undefined;
      await start('ForgotPassword');
      return sendCodeThen(id, {
        back: resetScreen,
        onVerified: async (verificationId) => { await experience.identify(verificationId); newPasswordScreen(); },
      });
    },
  });
}

function newPasswordScreen() {
  screen({
    title: t('reset.new_password_title'),
    fields: [
      { id: 'password', type: 'password', autocomplete: 'new-password', label: t('fields.new_password') },
      { id: 'confirm-password', type: 'password', autocomplete: 'new-password', label: t('fields.confirm_password') },
    ],
    submitLabel: t('reset.submit'),
    onSubmit: async ({ password, 'confirm-password': confirm }, ui) => {
      if (!password) return ui.showError(t('errors.validation.password_required'), ['password']);
      if (password !== confirm) return ui.showError(t('errors.validation.passwords_mismatch'), ['confirm-password']);
      await experience.resetPassword(password);
      await experience.submit();
      return messageScreen(t('reset.done_title'), t('reset.done_body'),
        routeLine('sign-in-link', '', t('reset.back_to_sign_in'), keep('/sign-in')));
    },
  });
}

// ---- social and enterprise SSO (social.js) -----------------------------------------------------------------------

/** What social.js needs from this page: the settings, the interaction's steps, and the sign-in screens' helpers. */
function externalCtx() {
  return {
    settings,
    start,
    submit: submitInteraction,
    setEvent: (event) => { state.event = event; },
    canRegister,
    noteTerms,
    methodFor,
    identifierLabel,
    readIdentifier,
    home: () => signInScreen(),
  };
}

function singleSignOnScreen() {
  ssoScreen(externalCtx(), { keep, loginHint: takeLoginHint(), terms: termsFor('SignIn'), canSignIn: canSignIn() });
}

// ---- pages --------------------------------------------------------------------------------------------------------

/** /error?code=...: a known code gets its localized text; anything else gets the generic text (no reflected copy). */
function errorView() {
  const code = params.get('code') ?? '';
  const key = /^[a-z_]+(\.[a-z_]+)*$/.test(code) && has(`errors.${code}`) ? `errors.${code}` : 'error_page.body';
  messageScreen(t('error_page.title'), t(key, { wait: t('common.a_moment') }));
}

/** Branding from the sign-in experience: only a name and a colour, no logo URL (a third-party image would leak the visit). */
function applyBranding() {
  const branding = settings.branding ?? {};
  const name = branding.appName ?? branding.displayName ?? branding.name ?? settings.appName;
  if (typeof name === 'string' && name.trim()) document.getElementById('app-name').textContent = name.trim();
  const color = branding.primaryColor ?? settings.color?.primaryColor;
  if (typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color)) {
    document.documentElement.style.setProperty('--brand', color);
    document.documentElement.style.setProperty('--brand-text', readableTextOn(color));
  }
}

const routes = {
  '/sign-in': () => signInScreen(),
  '/identifier-sign-in': () => signInScreen({ identifierOnly: true }),
  '/register': () => registerScreen({ replace: canRegister() ? undefined : '/sign-in' }),
  '/identifier-register': () => registerScreen({ identifierOnly: true, replace: canRegister() ? undefined : '/sign-in' }),
  '/reset-password': resetScreen,
  '/single-sign-on': singleSignOnScreen,
  '/error': errorView,
  '/': () => messageScreen(t('home.title'), t('home.body')),
};

/** Routes with a connector id: the IdP's answer, and the linking choice after it. */
const connectorRoutes = [
  [/^\/callback\/([A-Za-z0-9_-]{1,128})$/, (id) => callbackPage(externalCtx(), id)],
  [/^\/social\/link\/([A-Za-z0-9_-]{1,128})$/, (id) => linkScreen(externalCtx(), id)],
];

/** The first screens, where direct_sign_in may skip the page. */
const FIRST_SCREENS = ['/sign-in', '/identifier-sign-in', '/register', '/identifier-register', '/single-sign-on'];

async function boot() {
  try { settings = (await experience.signInExperience()) ?? {}; } catch { settings = {}; }
  await initI18n(settings.languageInfo);
  renderLanguageSwitch(document.getElementById('language-switch'));
  applyBranding();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (FIRST_SCREENS.includes(path) && params.has('direct_sign_in') && await directSignIn(externalCtx(), params.get('direct_sign_in'))) return;
  for (const [pattern, render] of connectorRoutes) {
    const match = pattern.exec(path);
    if (match) { render(match[1]); return; }
  }
  (routes[path] ?? (() => messageScreen(t('not_found.title'), t('not_found.body'))))();
}

boot();
