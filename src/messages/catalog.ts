import { enUS } from './en-US.ts';
import { formatNumber } from './format.ts';
import { zhCN } from './zh-CN.ts';

/**
 * The one message catalogue of the bot, the terminal and the tutor's fixed texts. Question text,
 * options and analyses stay in the bank's language; only our own words are translated.
 *
 * Templates use a small subset of ICU MessageFormat: `{name}` is replaced by a parameter (numbers
 * through `formatNumber`, so every score shows with the same precision), and
 * `{count, plural, =0 {…} one {# question} other {# questions}}` picks a form through
 * `Intl.PluralRules` of the locale, `#` being the number. A parameter's value is inserted as data and
 * never parsed, so a learner's text containing braces stays as typed.
 */

export type Locale = 'en-US' | 'zh-CN';

export type MessageKey = keyof typeof enUS;
export type MessageParams = Readonly<Record<string, string | number>>;

export const catalogs: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { 'en-US': enUS, 'zh-CN': zhCN };

/** Discord locales (`zh-CN`, `zh-TW`, `en-GB`), `LANG` values (`zh_CN.UTF-8`) and `zh`/`en`: Chinese ones get zh-CN, the rest en-US. */
export function resolveLocale(locale: string | null | undefined): Locale {
  return locale?.trim().toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

/** True when the catalogue has this key: for keys built from codes of other layers. */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(enUS, key);
}

/** The message in `locale` (resolved as above) with its placeholders filled; an unknown placeholder stays visible. */
export function t(locale: string | null | undefined, key: MessageKey, params: MessageParams = {}): string {
  const resolved = resolveLocale(locale);
  return renderTemplate(catalogs[resolved][key], params, resolved);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

function pluralCategory(locale: Locale, value: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(value);
}

/** Index of the `}` closing the `{` at `open`, or -1. Templates are ours and short; values are never scanned. */
function closingBrace(template: string, open: number): number {
  let depth = 0;
  for (let index = open; index < template.length; index++) {
    const char = template[index];
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return -1;
}

function formatValue(value: string | number, locale: Locale): string {
  return typeof value === 'number' ? formatNumber(value, locale) : value;
}

function renderPlural(body: string, value: number, locale: Locale, params: MessageParams): string | null {
  const arms = new Map<string, string>();
  let index = 0;
  while (index < body.length) {
    while (index < body.length && /\s/.test(body[index]!)) index++;
    if (index >= body.length) break;
    const open = body.indexOf('{', index);
    if (open < 0) return null;
    const selector = body.slice(index, open).trim();
    const close = closingBrace(body, open);
    if (close < 0) return null;
    arms.set(selector, body.slice(open + 1, close));
    index = close + 1;
  }
  const arm = arms.get(`=${value}`) ?? arms.get(pluralCategory(locale, value)) ?? arms.get('other');
  return arm === undefined ? null : renderTemplate(arm, params, locale, formatNumber(value, locale));
}

function renderTemplate(template: string, params: MessageParams, locale: Locale, hash?: string): string {
  let out = '';
  let index = 0;
  while (index < template.length) {
    const char = template[index]!;
    if (char === '#' && hash !== undefined) {
      out += hash;
      index++;
      continue;
    }
    if (char !== '{') {
      out += char;
      index++;
      continue;
    }
    const close = closingBrace(template, index);
    if (close < 0) {
      out += template.slice(index);
      break;
    }
    const whole = template.slice(index, close + 1);
    const inner = whole.slice(1, -1);
    const comma = inner.indexOf(',');
    const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
    const value = params[name];
    if (comma < 0) {
      out += value === undefined ? whole : formatValue(value, locale);
    } else {
      const rest = inner.slice(comma + 1);
      const secondComma = rest.indexOf(',');
      const kind = rest.slice(0, secondComma).trim();
      const number = typeof value === 'number' ? value : Number(value);
      const rendered = kind === 'plural' && value !== undefined && Number.isFinite(number) ? renderPlural(rest.slice(secondComma + 1), number, locale, params) : null;
      out += rendered ?? whole;
    }
    index = close + 1;
  }
  return out;
}

/** The placeholder and plural parameter names a template uses (for the catalogue's consistency test). */
export function templateParams(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(/\{\s*(\w+)\s*[,}]/g)) names.add(match[1]!);
  return [...names].sort();
}
