// Identifier handling shared by every screen: which kinds are offered, and the "smart input" that tells them apart.

export const IDENTIFIER_TYPES = ['username', 'email', 'phone'];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_LIKE = /^\+?[0-9][0-9 ().-]*$/;

/**
 * Logto's smart input: "@" means email, digits (optionally after "+") mean phone, anything else a username.
 * Returns null when the guessed kind is not offered on this screen.
 */
export function detectIdentifierType(value, allowed) {
  const v = String(value ?? '').trim();
  if (!v) return null;
  let guess;
  if (v.includes('@')) guess = 'email';
  else if (PHONE_LIKE.test(v)) guess = 'phone';
  else guess = 'username';
  return allowed.includes(guess) ? guess : null;
}

/** The value the API receives: trimmed; phone numbers without spaces, dots, dashes or brackets (the server normalises to E.164). */
export function normalizeIdentifier(type, value) {
  const v = String(value ?? '').trim();
  return type === 'phone' ? v.replace(/[\s().-]/g, '') : v;
}

export function isValidIdentifier(type, value) {
  switch (type) {
    case 'email': return EMAIL.test(value) && value.length <= 256;
    case 'phone': return /^\+?[0-9]{6,15}$/.test(value);
    case 'username': return /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) && value.length <= 128;
    default: return false;
  }
}

/** The `identifier` authentication parameter (space-separated types) narrowed to what the screen offers; empty = all offered. */
export function narrowTypes(offered, requested) {
  const wanted = String(requested ?? '').split(/\s+/).filter((t) => IDENTIFIER_TYPES.includes(t));
  const narrowed = offered.filter((t) => wanted.includes(t));
  return narrowed.length > 0 ? narrowed : offered;
}

/** Browser hints for the identifier input: autocomplete and virtual keyboard follow the only kind, else stay generic. */
export function inputHints(types) {
  if (types.length === 1 && types[0] === 'email') return { type: 'email', autocomplete: 'email', inputmode: 'email' };
  if (types.length === 1 && types[0] === 'phone') return { type: 'tel', autocomplete: 'tel', inputmode: 'tel' };
  return { type: 'text', autocomplete: 'username', inputmode: undefined };
}
