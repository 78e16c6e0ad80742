// Localisation by stable keys: messages come from /locales/<lang>.json, never from server sentences.
export const SUPPORTED = ['en', 'fr'];
const FALLBACK = 'en';
let dictionary = {};
let fallbackDictionary = {};
export let locale = FALLBACK;

/** ui_locales (space-separated, OIDC style) wins, then the browser's languages (unless the sign-in experience turns
 * auto-detection off), then the experience's fallback language, then English. */
export function detectLocale(search = location.search, languages = navigator.languages ?? [navigator.language], languageInfo = {}) {
  const requested = new URLSearchParams(search).get('ui_locales');
  const browser = languageInfo.autoDetect === false ? [] : (languages ?? []);
  const candidates = [...(requested ? requested.split(/\s+/) : []), ...browser, languageInfo.fallbackLanguage];
  for (const candidate of candidates) {
    const base = String(candidate || '').toLowerCase().split('-')[0];
    if (SUPPORTED.includes(base)) return base;
  }
  return FALLBACK;
}

async function load(lang) {
  const response = await fetch(`/locales/${lang}.json`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`locale ${lang}: ${response.status}`);
  return response.json();
}

export async function initI18n(languageInfo = {}) {
  locale = detectLocale(location.search, navigator.languages ?? [navigator.language], languageInfo ?? {});
  document.documentElement.lang = locale;
  try {
    fallbackDictionary = await load(FALLBACK);
    dictionary = locale === FALLBACK ? fallbackDictionary : await load(locale);
  } catch {
    dictionary = fallbackDictionary;
  }
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  return locale;
}

function lookup(dict, key) {
  return key.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), dict);
}

export function has(key) {
  return typeof lookup(dictionary, key) === 'string' || typeof lookup(fallbackDictionary, key) === 'string';
}

/** t('errors.password_too_short', { min: 8 }) — placeholders are {name}; unknown keys show the key (visible in tests). */
export function t(key, vars = {}) {
  const value = lookup(dictionary, key) ?? lookup(fallbackDictionary, key) ?? key;
  return String(value).replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Links that reload the current page in another language, keeping the other query parameters. */
export function renderLanguageSwitch(nav) {
  if (!nav) return;
  nav.replaceChildren();
  nav.setAttribute('aria-label', t('common.language'));
  for (const lang of SUPPORTED) {
    const params = new URLSearchParams(location.search);
    params.set('ui_locales', lang);
    const a = document.createElement('a');
    a.href = `${location.pathname}?${params}`;
    a.lang = lang;
    a.textContent = t(`common.language_names.${lang}`);
    if (lang === locale) a.setAttribute('aria-current', 'true');
    nav.append(a);
  }
}
