// Social sign-in and enterprise SSO in the hosted UI (issue 12): the buttons from the public sign-in experience, the trip
// to the identity provider and back (/callback/{connectorId}), linking a new social identity to an existing account
// (/social/link/{connectorId}), the single sign-on screen, domain detection and direct_sign_in.
//
//   button / SSO email / direct_sign_in → PUT /api/experience (SignIn) → …/{social|sso}/{id}/authorization-uri {state, redirectUri}
//   → the IdP → /callback/{id}?code&state (the ACS redirect for SAML) → state checked → …/{social|sso}/{id}/verify
//   → identification: signed in → submit | 404 user.identity_not_exist → automatic linking (socialSignIn.automaticAccountLinking
//     with data.relatedUser) | the link screen: link to the related account, or prove another account (password or code) and
//     link it, or create an account (Register) | SSO: register (just-in-time) when the server did not already.
import { t, locale } from './i18n.js';
import { h } from './dom.js';
import { screen, messageScreen, actionLine, routeLine, messageFor } from './forms.js';
import { experience, followRedirect, ExperienceError } from './experience.js';
import { detectIdentifierType, normalizeIdentifier, isValidIdentifier, inputHints } from './identifiers.js';
import { identifierCodeScreen } from './code.js';

/** One pending trip to an IdP per connector, in this tab only (sessionStorage): what the callback must find again. */
const pendingKey = (connectorId) => `auth-platform.external.${connectorId}`;
const linkKey = (connectorId) => `auth-platform.link.${connectorId}`;

function read(key) {
  try { return JSON.parse(sessionStorage.getItem(key) ?? 'null'); } catch { return null; }
}

function randomState() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

const socialConnectors = (settings) => (Array.isArray(settings.socialConnectors) ? settings.socialConnectors : [])
  .filter((c) => typeof c?.id === 'string' && typeof c?.target === 'string');
const ssoConnectors = (settings) => (settings.singleSignOnEnabled && Array.isArray(settings.ssoConnectors) ? settings.ssoConnectors : [])
  .filter((c) => typeof c?.id === 'string');
export const ssoEnabled = (settings) => ssoConnectors(settings).length > 0;

/** A connector's display name in the page's language (Logto's {en, fr, …} map), else its target. */
function nameOf(connector) {
  const name = connector.name;
  if (typeof name === 'string') return name;
  return (name && (name[locale] ?? name.en ?? Object.values(name).find((x) => typeof x === 'string'))) || connector.target;
}
const ssoNameOf = (settings, connectorId) => ssoConnectors(settings).find((c) => c.id === connectorId)?.connectorName ?? t('sso.title');

/**
 * Starts a sign-in at the IdP: a fresh SignIn interaction, the authorization URI from the Experience API, and the state
 * kept for the callback. kind = 'social' | 'sso'. The browser leaves the page.
 */
export async function startExternal(ctx, kind, connectorId) {
  await ctx.start('SignIn');
  const state = randomState();
  const redirectUri = `${location.origin}/callback/${encodeURIComponent(connectorId)}`;
  const { authorizationUri, verificationId } = await experience.externalAuthorizationUri(kind, connectorId, state, redirectUri);
  sessionStorage.setItem(pendingKey(connectorId), JSON.stringify({ kind, state, verificationId, returnTo: location.pathname + location.search }));
  followRedirect(authorizationUri);
}

/** The social buttons and the single sign-on link under a sign-in or registration form. */
export function externalSignInBlock(ctx, keep) {
  const social = socialConnectors(ctx.settings);
  const sso = ssoEnabled(ctx.settings);
  if (social.length === 0 && !sso) return null;
  const buttons = social.map((c) => h('button', {
    type: 'button', class: 'social', id: `social-${c.target}`, 'data-connector-id': c.id,
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try { await startExternal(ctx, 'social', c.id); } catch (e) { showInlineError(e); button.disabled = false; }
    },
  }, t('social.continue_with', { name: nameOf(c) })));
  return h('div', { class: 'external', role: 'group', 'aria-labelledby': 'external-title' },
    h('p', { id: 'external-title', class: 'divider' }, t('social.or')),
    ...buttons,
    sso ? routeLine('sso-link', '', t('sso.link'), keep('/single-sign-on')) : null);
}

function showInlineError(e) {
  const el = document.getElementById('error');
  if (el) { el.textContent = messageFor(e); el.focus?.(); }
}

/**
 * Domain detection (Logto): an email whose domain an SSO connector claims goes to that organisation's IdP instead of
 * password or code. Returns true when it took over (redirected, or showed the connector picker).
 */
export async function ssoForEmail(ctx, email) {
  if (!ssoEnabled(ctx.settings)) return false;
  const { connectorIds } = await experience.ssoConnectorsByEmail(email);
  const ids = (Array.isArray(connectorIds) ? connectorIds : []).filter((x) => typeof x === 'string');
  if (ids.length === 0) return false;
  if (ids.length === 1) await startExternal(ctx, 'sso', ids[0]);
  else ssoPickerScreen(ctx, ids);
  return true;
}

/** /single-sign-on: work email → its organisation's connector(s) (GET /api/experience/sso-connectors?email=). */
export function singleSignOnScreen(ctx, { keep, loginHint, terms, canSignIn }) {
  screen({
    title: t('sso.title'),
    intro: t('sso.intro'),
    fields: [{ id: 'identifier', label: t('fields.email'), value: loginHint, type: 'email', autocomplete: 'email', inputmode: 'email' }],
    terms,
    submitLabel: t('common.continue'),
    footer: [canSignIn ? routeLine('sign-in-link', '', t('sso.other_methods'), keep('/sign-in')) : null],
    onSubmit: async ({ identifier }, ui) => {
      const value = normalizeIdentifier('email', identifier ?? '');
      if (!value) return ui.showError(t('errors.validation.identifier_required', { kind: t('fields.email').toLowerCase() }), ['identifier']);
      if (detectIdentifierType(value, ['email']) !== 'email' || !isValidIdentifier('email', value))
        return ui.showError(t('errors.validation.invalid_email'), ['identifier']);
      ctx.noteTerms();
      if (await ssoForEmail(ctx, value)) return undefined;
      return ui.showError(t('sso.no_connector', { domain: value.split('@')[1] }), ['identifier']);
    },
  });
}

/** Several connectors claim the domain: the user picks one. */
function ssoPickerScreen(ctx, connectorIds) {
  screen({
    title: t('sso.pick_title'),
    intro: t('sso.pick_intro'),
    after: connectorIds.map((id) => h('button', {
      type: 'button', class: 'social', id: `sso-${id}`,
      onclick: async () => { try { await startExternal(ctx, 'sso', id); } catch (e) { showInlineError(e); } },
    }, ssoNameOf(ctx.settings, id))),
    footer: [actionLine('back', '', t('common.back'), () => ctx.home())],
  });
}

/**
 * direct_sign_in=social:<target> | sso:<connectorId> (Logto): straight to the IdP, no sign-in page. A connector that does not
 * exist (or is not shown) falls back to the normal first screen, as in Logto. Returns true when the browser is leaving.
 */
export async function directSignIn(ctx, value) {
  const match = /^(social|sso):([A-Za-z0-9_-]{1,128})$/.exec(value ?? '');
  if (!match) return false;
  const [, kind, target] = match;
  const connector = kind === 'social'
    ? socialConnectors(ctx.settings).find((c) => c.target === target)
    : ssoConnectors(ctx.settings).find((c) => c.id === target);
  if (!connector) return false;
  messageScreen(t('external.redirecting_title'), t('external.redirecting_body'));
  try {
    await startExternal(ctx, kind, connector.id);
    return true;
  } catch (e) {
    ctx.home();
    showInlineError(e);
    return true;
  }
}

// ---- back from the IdP --------------------------------------------------------------------------------------------

/** /callback/{connectorId}: the IdP's answer (query parameters; Apple's form_post arrives as a query too, see Hosting). */
export async function callbackPage(ctx, connectorId) {
  const pending = read(pendingKey(connectorId));
  sessionStorage.removeItem(pendingKey(connectorId));
  const back = routeLine('sign-in-link', '', t('social.back_to_sign_in'), pending?.returnTo?.startsWith('/') && !pending.returnTo.startsWith('//') ? pending.returnTo : '/sign-in');
  const params = new URLSearchParams(location.search);
  // Our own check before the server's: the answer must belong to the sign-in this tab started (no login CSRF).
  if (!pending || typeof pending.verificationId !== 'string' || params.get('state') !== pending.state)
    return messageScreen(t('social.failed_title'), t('errors.social.state_mismatch'), back);
  messageScreen(t('external.completing_title'), t('external.completing_body'));
  const connectorData = Object.fromEntries(params.entries());
  try {
    await experience.externalVerify(pending.kind, connectorId, connectorData, pending.verificationId);
    await identifyExternal(ctx, pending.kind, connectorId, pending.verificationId);
  } catch (e) {
    if (e instanceof ExperienceError && e.code === 'session.sso_enabled' && ssoEnabled(ctx.settings))
      return messageScreen(t('social.failed_title'), messageFor(e), routeLine('sso-link', '', t('sso.link'), '/single-sign-on'), back);
    return messageScreen(t('social.failed_title'), messageFor(e), back);
  }
  return undefined;
}

async function identifyExternal(ctx, kind, connectorId, verificationId) {
  try {
    await experience.identify(verificationId);
  } catch (e) {
    if (!(e instanceof ExperienceError) || e.code !== 'user.identity_not_exist') throw e;
    const relatedUser = e.data?.relatedUser;
    if (kind === 'social') {
      if (relatedUser && ctx.settings.socialSignIn?.automaticAccountLinking) {
        await experience.identify(verificationId, { linkSocialIdentity: true });
        return ctx.submit();
      }
      sessionStorage.setItem(linkKey(connectorId), JSON.stringify({ verificationId, relatedUser: relatedUser ?? null }));
      history.replaceState(null, '', `/social/link/${encodeURIComponent(connectorId)}`);
      return linkScreen(ctx, connectorId);
    }
    // Enterprise SSO: the organisation's IdP vouches for its users, so a first sign-in creates the account (just in time).
    if (!ctx.canRegister()) throw e;
    await register(ctx, verificationId);
  }
  return ctx.submit();
}

async function register(ctx, verificationId) {
  await experience.switchEvent('Register');
  ctx.setEvent('Register');
  await experience.identify(verificationId);
}

// ---- linking ------------------------------------------------------------------------------------------------------

/** /social/link/{connectorId}: link to the related account, prove another one and link it, or create an account. */
export function linkScreen(ctx, connectorId) {
  const pending = read(linkKey(connectorId));
  if (!pending || typeof pending.verificationId !== 'string')
    return messageScreen(t('social.failed_title'), t('errors.session.verification_session_not_found'), routeLine('sign-in-link', '', t('social.back_to_sign_in'), '/sign-in'));
  const { verificationId, relatedUser } = pending;
  const done = () => sessionStorage.removeItem(linkKey(connectorId));
  const related = relatedUser && typeof relatedUser.value === 'string' ? relatedUser.value : null;
  const choice = (id, label, action, primary = false) => h('button', {
    type: 'button', id, class: primary ? 'primary' : 'secondary',
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try { await action(); } catch (e) { showInlineError(e); } finally { button.disabled = false; }
    },
  }, label);
  return screen({
    title: t('social.link_title'),
    intro: related ? t('social.link_intro_related', { identifier: related }) : t('social.link_intro'),
    after: [
      related ? choice('link-related', t('social.link_related', { identifier: related }), async () => {
        await experience.identify(verificationId, { linkSocialIdentity: true });
        done();
        await ctx.submit();
      }, true) : null,
      choice('link-other', related ? t('social.link_other') : t('social.link_existing'), () => proveAccountScreen(ctx, connectorId, verificationId, done), !related),
      ctx.canRegister() ? choice('create-account', t('social.create_account'), async () => {
        await register(ctx, verificationId);
        done();
        await ctx.submit();
      }) : null,
    ].filter(Boolean),
  });
}

/**
 * "This is my account": the user signs in to it (password, or a code for email/phone), then the social identity is linked to
 * that account whatever the IdP's email (Logto #7997, #8289): identification with the proof, then with
 * {verificationId, linkSocialIdentity: true}, then submit.
 */
function proveAccountScreen(ctx, connectorId, socialVerificationId, done) {
  const types = ['username', 'email', 'phone'].filter((x) => ctx.methodFor(x));
  const back = () => linkScreen(ctx, connectorId);
  const link = async (proofId) => {
    await experience.identify(proofId);
    await experience.identify(socialVerificationId, { linkSocialIdentity: true });
    done();
    await ctx.submit();
  };
  screen({
    title: t('social.prove_title'),
    intro: t('social.prove_intro'),
    fields: [
      { id: 'identifier', label: ctx.identifierLabel(types), ...inputHints(types) },
      { id: 'password', type: 'password', autocomplete: 'current-password', label: t('fields.password'), required: false },
    ],
    submitLabel: t('social.link_submit'),
    footer: [actionLine('back', '', t('common.back'), back)],
    onSubmit: async ({ identifier, password }, ui) => {
      const id = ctx.readIdentifier(identifier, types, ui);
      if (!id) return undefined;
      const method = ctx.methodFor(id.type);
      if (password && method?.password) return link((await experience.verifyPassword(id, password)).verificationId);
      if (!password && method?.verificationCode) {
        const { verificationId } = await experience.sendCode(id, 'SignIn');
        return identifierCodeScreen({ identifier: id, verificationId, back, event: () => 'SignIn', onVerified: link });
      }
      return ui.showError(t('errors.validation.password_required'), ['password']);
    },
  });
}
