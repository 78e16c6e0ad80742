// Client of the public Experience API (same origin, through the gateway). Errors surface as codes only.
export class ExperienceError extends Error {
  constructor(code, status = 0, data = undefined, retryAfter = undefined) {
    super(code);
    this.code = code;
    this.status = status;
    this.data = data;
    /** Seconds to wait (data.retryAfter, else the Retry-After header), for 429 answers. */
    this.retryAfter = retryAfter;
  }
}

async function call(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'include',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ExperienceError('network');
  }
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  if (!response.ok) {
    const code = json && typeof json.code === 'string' ? json.code : response.status >= 500 ? 'request.unavailable' : 'request.failed';
    const header = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    const fromData = Number(json?.data?.retryAfter);
    const retryAfter = Number.isFinite(fromData) && fromData > 0 ? fromData : Number.isFinite(header) && header > 0 ? header : undefined;
    throw new ExperienceError(code, response.status, json?.data, retryAfter);
  }
  return json;
}

const post = (path, body) => call('POST', `/api/experience${path}`, body);

/** identifier = { type: 'username' | 'email' | 'phone', value } everywhere, as Logto's API takes it. */
export const experience = {
  start: (interactionEvent) => call('PUT', '/api/experience', { interactionEvent }),
  /** Cross-overs: SignIn ⇄ Register keeping the verification records. */
  switchEvent: (interactionEvent) => call('PUT', '/api/experience/interaction-event', { interactionEvent }),
  interaction: () => call('GET', '/api/experience/interaction'),
  verifyPassword: (identifier, password) => post('/verification/password', { identifier, password }),
  newPasswordIdentity: (identifier, password) => post('/verification/new-password-identity', { identifier, password }),
  sendCode: (identifier, interactionEvent) => post('/verification/verification-code', { identifier, interactionEvent }),
  verifyCode: (identifier, verificationId, code) => post('/verification/verification-code/verify', { identifier, verificationId, code }),
  /** extra: { linkSocialIdentity: true } links a social record's identity (to the related or the identified account). */
  identify: (verificationId, extra) => post('/identification', verificationId ? { verificationId, ...extra } : {}),
  addProfile: (profile) => post('/profile', profile),
  resetPassword: (password) => call('PUT', '/api/experience/profile/password', { password }),
  agreeToTerms: () => post('/terms/agree'),
  submit: () => post('/submit'),
  signInExperience: () => call('GET', '/api/.well-known/sign-in-exp'),
  /** Social and enterprise SSO (kind 'social' | 'sso'): the IdP's URL for this state and callback, then its answer. */
  externalAuthorizationUri: (kind, connectorId, state, redirectUri) =>
    post(`/verification/${kind}/${encodeURIComponent(connectorId)}/authorization-uri`, { state, redirectUri }),
  externalVerify: (kind, connectorId, connectorData, verificationId) =>
    post(`/verification/${kind}/${encodeURIComponent(connectorId)}/verify`, { connectorData, verificationId }),
  ssoConnectorsByEmail: (email) => call('GET', `/api/experience/sso-connectors?email=${encodeURIComponent(email)}`),
};

/** The second factors (Logto's MFA Experience routes); payload = PublicKeyCredential.toJSON(). */
export const mfa = {
  totpSecret: () => post('/verification/totp/secret'),
  /** With verificationId: confirms a new secret; without: verifies the bound TOTP. */
  verifyTotp: (code, verificationId) => post('/verification/totp/verify', verificationId ? { code, verificationId } : { code }),
  generateBackupCodes: () => post('/verification/backup-code/generate'),
  verifyBackupCode: (code) => post('/verification/backup-code/verify', { code }),
  webAuthnRegistration: () => post('/verification/web-authn/registration'),
  verifyWebAuthnRegistration: (verificationId, payload) => post('/verification/web-authn/registration/verify', { verificationId, payload }),
  webAuthnAuthentication: () => post('/verification/web-authn/authentication'),
  verifyWebAuthnAuthentication: (verificationId, payload) => post('/verification/web-authn/authentication/verify', { verificationId, payload }),
  /** A code to the account's own email or phone (identifierType 'email' | 'phone'), as a second factor. */
  sendCode: (identifierType) => post('/verification/mfa-verification-code', { identifierType }),
  verifyCode: (verificationId, code, identifierType) => post('/verification/mfa-verification-code/verify', { verificationId, code, identifierType }),
  /** TOTP and WebAuthn (and backup codes); an email or phone is bound with experience.addProfile after its code. */
  bind: (type, verificationId) => post('/profile/mfa', { type, verificationId }),
  /** "Skip for now" on a skippable 422 user.missing_mfa. */
  skip: () => post('/profile/mfa/mfa-skipped'),
  passkeyPreflight: () => post('/preflight/sign-in-passkey/authentication'),
  verifyPasskeySignIn: (verificationId, payload) => post('/verification/sign-in-passkey/authentication/verify', { verificationId, payload }),
};

/** Follows redirectTo only when it is an http(s) URL: a javascript: URL must never reach location.assign. */
export function followRedirect(redirectTo) {
  const url = new URL(redirectTo, location.origin);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ExperienceError('request.failed');
  location.assign(url.href);
}
