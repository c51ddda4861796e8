// The studio's message catalog: English (src/i18n/en.ts, the source of keys) and Simplified Chinese (src/i18n/zh.ts,
// typed Record<MessageKey, string>, so a missing or extra key is a type error). t(key, params) fills named
// placeholders `{name}`; TypeScript checks that the params match the placeholders of the English text. Numbers in
// params and the format helpers use Intl for the current locale. No dependency: a few dozen lines cover what the
// studio needs (see README, "Translating").
import { en } from '../i18n/en.ts';
import { zh } from '../i18n/zh.ts';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly Locale[] = ['en', 'zh'];
/** Each locale's own name, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', zh: '简体中文' };

export type MessageKey = keyof typeof en;
// `{name}` is a placeholder; braces around other text (the `{a|b}` template syntax in a hint) are not.
type Name<P extends string> = P extends `${string}${'|' | ' '}${string}` ? never : P;
type Vars<S extends string> = S extends `${string}{${infer P}}${infer R}` ? Name<P> | Vars<R> : never;
export type MessageParams<K extends MessageKey> = Record<Vars<(typeof en)[K]>, string | number>;
type Args<K extends MessageKey> = [Vars<(typeof en)[K]>] extends [never] ? [] : [params: MessageParams<K>];

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, zh };
let current: Locale = 'en';

export const getLocale = (): Locale => current;
export function setLocale(l: Locale): void {
  current = LOCALES.includes(l) ? l : 'en';
}

/** The first supported language among the browser's (zh, zh-CN, zh-Hans-SG... -> zh), else English. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const base = lang.toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/** The BCP 47 tag for Intl and <html lang>. */
export const localeTag = (l: Locale = current): string => (l === 'zh' ? 'zh-CN' : 'en');

export function formatNumber(n: number, opts: Intl.NumberFormatOptions = { maximumFractionDigits: 2 }): string {
  return new Intl.NumberFormat(localeTag(), opts).format(n);
}

export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(localeTag(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
}

/** A list joined the locale's way ("a, b and c" / "a、b和c"). */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(localeTag(), { style: 'long', type: 'conjunction' }).format(items);
}

/** The message for `key` in the current locale, placeholders filled (numbers without grouping: seeds, sizes). */
export function t<K extends MessageKey>(key: K, ...args: Args<K>): string {
  const text = catalogs[current][key] ?? en[key];
  const params = args[0] as Record<string, string | number> | undefined;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (all, name: string) => {
    const v = params[name];
    return v === undefined ? all : typeof v === 'number' ? formatNumber(v, { useGrouping: false, maximumFractionDigits: 2 }) : v;
  });
}

/** Sentences joined the locale's way: a space between English sentences, none between Chinese ones. */
export function joinSentences(parts: readonly (string | null | undefined)[]): string {
  return parts.filter((p): p is string => !!p).join(current === 'zh' ? '' : ' ');
}

/** The placeholders of a message, for tests that compare locales. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

export function catalog(l: Locale): Readonly<Record<MessageKey, string>> {
  return catalogs[l];
}
