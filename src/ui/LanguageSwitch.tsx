import { useStudio } from '../store/index.ts';
import { LOCALE_NAMES, LOCALES, t, type Locale } from '../store/ui.ts';

/** The interface language: the browser's at first visit, then the one chosen here (remembered). */
export function LanguageSwitch() {
  const locale = useStudio((s) => s.locale.locale);
  const setLocale = useStudio((s) => s.locale.setLocale);
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t('app.language')}</span>
      <select value={locale} data-testid="language-switch" aria-label={t('app.language')} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l === 'zh' ? 'zh-CN' : 'en'}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
