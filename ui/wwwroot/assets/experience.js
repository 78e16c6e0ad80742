// Client of the public Experience API (same origin, through the gateway). Errors surface as codes only.
export class ExperienceError extends Error {
  constructor(code, status = 0, data = undefined) {
    super(code);
    this.code = code;
    this.status = status;
    this.data = data;
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
    throw new ExperienceError(code, response.status, json?.data);
  }
  return json;
}

export const experience = {
  start: (interactionEvent) => call('PUT', '/api/experience', { interactionEvent }),
  verifyPassword: (username, password) =>
    call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: username }, password }),
  newPasswordIdentity: (username, password) =>
    call('POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'username', value: username }, password }),
  identify: (verificationId) => call('POST', '/api/experience/identification', { verificationId }),
  submit: () => call('POST', '/api/experience/submit'),
  signInExperience: () => call('GET', '/api/.well-known/sign-in-exp'),
};

/** Follows redirectTo only when it is an http(s) URL: a javascript: URL must never reach location.assign. */
export function followRedirect(redirectTo) {
  const url = new URL(redirectTo, location.origin);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ExperienceError('request.failed');
  location.assign(url.href);
}
