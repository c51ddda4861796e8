// The interface language: the saved choice, or the browser's language at first visit (zh-* -> Chinese, else
// English). Switching sets the catalog's locale (src/lib/i18n.ts), which store messages and the UI read, and is
// remembered with the other settings.
import { detectLocale, LOCALES, setLocale as setCatalogLocale, type Locale } from '../lib/i18n.ts';
import { saveSettings } from './settings.ts';
import type { SliceContext } from './studio.ts';

export interface LocaleSlice {
  locale: Locale;
  setLocale: (l: Locale) => void;
}

export function createLocaleSlice(ctx: SliceContext): LocaleSlice {
  const { patch, get, deps } = ctx;
  const saved = deps.settings.load().locale;
  const locale: Locale = saved && LOCALES.includes(saved) ? saved : detectLocale(deps.languages?.() ?? []);
  setCatalogLocale(locale);
  return {
    locale,
    setLocale: (l) => {
      if (!LOCALES.includes(l)) return;
      setCatalogLocale(l);
      patch('locale', { locale: l });
      saveSettings(get(), deps.settings);
    },
  };
}
