// The interface catalog: Chinese has every English key with the same placeholders; t() fills them; the browser's
// language picks the first visit's locale; and no user-facing text in src/ui is written outside t().
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { zh } from '../src/i18n/zh.ts';
import { catalog, detectLocale, placeholders, setLocale, t } from '../src/lib/i18n.ts';
import { makeStudio } from './store/fakes.ts';

afterEach(() => setLocale('en'));

describe('message catalog', () => {
  it('zh has exactly the keys of en, each with the same placeholders, and no untranslated long text', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zh[k]), k).toEqual(placeholders(en[k]));
      // Product names, units and symbols may stay as they are; sentences may not.
      if (en[k].split(' ').length > 3) expect(zh[k], `${k} looks untranslated`).not.toBe(en[k]);
    }
  });

  it('t fills named placeholders, formats numbers for the locale, and follows the switch', () => {
    expect(t('form.seedRange', { from: 7, to: 9 })).toBe('Fixed: images use seeds 7 to 9.');
    setLocale('zh');
    expect(t('form.seedRange', { from: 7, to: 9 })).toBe('固定：图像使用种子 7 到 9。');
    expect(catalog('zh')['tab.create']).toBe('创作');
    expect(t('queue.meta', { width: 1024, height: 768, seed: 4294967295 })).toBe('1024×768 · 种子 4294967295'); // no grouping in ids
  });

  it('the browser language picks the first visit; a saved choice wins and is remembered', () => {
    expect(detectLocale(['zh-CN', 'en'])).toBe('zh');
    expect(detectLocale(['zh-Hant-TW'])).toBe('zh');
    expect(detectLocale(['fr-FR', 'en-GB', 'zh'])).toBe('en');
    expect(detectLocale([])).toBe('en');
    const a = makeStudio({ languages: () => ['zh-CN'] });
    expect(a.s().locale.locale).toBe('zh');
    a.s().generate.setPrompt('   ');
    void a.s().generate.generate();
    expect(a.s().generate.error?.message).toBe('请先写提示词：描述你想要的图像。');
    a.s().locale.setLocale('en');
    const b = makeStudio({ languages: () => ['zh-CN'], settings: a.settings });
    expect(b.s().locale.locale).toBe('en');
  });
});

// User-facing attributes: their literal text must come from t().
const TEXT_ATTRS = new Set(['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext', 'aria-roledescription', 'label']);
const letters = /\p{L}/u;
/** Not words: example URLs in placeholders. */
const notText = (s: string) => /^https?:\/\//.test(s);

/** Every JSX text with letters in a file, and every string with letters that reaches JSX text or a user-facing attribute without t(). */
function rawTexts(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const out: string[] = [];
  const inside = (n: ts.Node, pred: (p: ts.Node) => boolean): ts.Node | undefined => {
    for (let p = n.parent; p; p = p.parent) if (pred(p)) return p;
    return undefined;
  };
  const isT = (p: ts.Node) => ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === 't';
  const visit = (n: ts.Node) => {
    if (ts.isJsxText(n) && letters.test(n.text)) {
      const kbd = inside(n, (p) => ts.isJsxElement(p) && p.openingElement.tagName.getText() === 'kbd');
      if (!kbd) out.push(n.text.trim());
    } else if (ts.isJsxAttribute(n) && n.initializer && ts.isStringLiteral(n.initializer) && TEXT_ATTRS.has(n.name.getText()) && letters.test(n.initializer.text) && !notText(n.initializer.text)) {
      out.push(`${n.name.getText()}="${n.initializer.text}"`);
    } else if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) && letters.test(n.text)) {
      const expr = inside(n, ts.isJsxExpression);
      // Data, not text: comparisons, lookups, ids in literal arrays and `as const` tuples (tool ids, shortcut keys).
      const data = ts.isBinaryExpression(n.parent) || ts.isElementAccessExpression(n.parent) || ts.isArrayLiteralExpression(n.parent) || ts.isAsExpression(n.parent);
      if (expr && !inside(n, isT) && !data) {
        const attr = inside(n, ts.isJsxAttribute) as ts.JsxAttribute | undefined;
        if (!attr || TEXT_ATTRS.has(attr.name.getText())) out.push(n.text);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

describe('no raw strings in the interface', () => {
  it('every JSX text and user-facing attribute in src/ui goes through t()', () => {
    const dir = join(import.meta.dirname, '../src/ui');
    const found: Record<string, string[]> = {};
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.tsx'))) {
      const raw = rawTexts(join(dir, f));
      if (raw.length) found[f] = raw;
    }
    expect(found).toEqual({});
  });

  it('the scanner catches what it should', () => {
    const tmp = join(import.meta.dirname, '../node_modules/.i18n-probe.tsx');
    writeFileSync(tmp, `export const A = (x: boolean) => <p title="Hello">Hi {x ? 'yes' : t('k')} <kbd>Ctrl</kbd> <b className={x ? 'on' : ''}>{'✕'}</b>{[['id', 'Words'], ['b', t('k')]].map(([a]) => a)}</p>;`);
    expect(rawTexts(tmp)).toEqual(['title="Hello"', 'Hi', 'yes']);
    rmSync(tmp);
  });
});
