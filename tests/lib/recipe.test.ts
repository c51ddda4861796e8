import { describe, expect, it } from 'vitest';
import { decodeRecipe, encodeRecipe, MAX_RECIPE_CHARS, RECIPE_PREFIX, type Recipe } from '../../src/lib/recipe.ts';
import { Rng } from '../../src/lib/rng.ts';

const R: Recipe = { prompt: '一只猫 <script>alert(1)</script>\nline 2', negativePrompt: 'blur', seed: 4294967295, steps: 8, width: 1360, height: 768, guidanceScale: null, loras: [{ name: 'pixel.safetensors', strength: -0.5 }] };
const b64 = (o: unknown) => `${RECIPE_PREFIX}1.${Buffer.from(JSON.stringify(o)).toString('base64url')}`;

describe('recipe links', () => {
  it('round-trips, compact and URL-safe', () => {
    const h = encodeRecipe(R);
    expect(h).toMatch(/^#recipe=1\.[A-Za-z0-9_-]+$/);
    expect(h.length).toBeLessThan(220);
    expect(decodeRecipe(h)).toEqual({ kind: 'ok', recipe: R }); // text is data: the form shows it, nothing runs it
  });
  it('ignores other fragments and refuses damaged, foreign-version, oversized or out-of-range recipes', () => {
    expect(decodeRecipe('#models')).toEqual({ kind: 'none' });
    expect(decodeRecipe('#recipe=2.abc').kind).toBe('bad');
    expect(decodeRecipe('#recipe=1.***').kind).toBe('bad');
    expect(decodeRecipe('#recipe=1.' + 'A'.repeat(MAX_RECIPE_CHARS))).toEqual({ kind: 'bad', why: 'too-long' });
    const ok = { p: 'x', s: 1, t: 8, w: 512, h: 512 };
    expect(decodeRecipe(b64(ok)).kind).toBe('ok');
    for (const over of [{ p: 5 }, { s: -1 }, { s: 1.5 }, { s: 2 ** 32 }, { t: 0 }, { w: 1e9 }, { g: 'x' }, { l: [['a', 99]] }, { l: 'x' }, { p: 'x'.repeat(16001) }])
      expect(decodeRecipe(b64({ ...ok, ...over })).kind, JSON.stringify(over).slice(0, 40)).toBe('bad');
    expect(decodeRecipe(b64([1, 2])).kind).toBe('bad');
  });
  it('fuzz (seed 7): random fragments never throw', () => {
    const rng = new Rng(7);
    const chars = 'AZaz09-_.=+/%#{}"';
    for (let i = 0; i < 3000; i++) {
      const s = RECIPE_PREFIX + (rng.int(3) ? '1.' : '') + Array.from({ length: rng.int(60) }, () => chars[rng.int(chars.length)]).join('');
      expect(['none', 'bad', 'ok']).toContain(decodeRecipe(s).kind);
    }
  });
});
