import { describe, expect, it } from 'vitest';
import { countTemplate, expandPrompts, parseTemplate } from '../../src/lib/promptTemplate.ts';

describe('prompt templates and lists', () => {
  it('expands {a|b} groups as a cartesian product, in order', () => {
    expect(expandPrompts('a {red|blue} {cat|dog}', { perLine: false }).prompts).toEqual(['a red cat', 'a red dog', 'a blue cat', 'a blue dog']);
  });
  it('keeps braces without alternatives, and tidies the space an empty alternative leaves', () => {
    expect(expandPrompts('json {"k": 1} and {|very} big', { perLine: false }).prompts).toEqual(['json {"k": 1} and big', 'json {"k": 1} and very big']);
    expect(parseTemplate('unclosed {a|b')).toEqual(['unclosed {a|b']);
  });
  it('one prompt per line, blank lines skipped, each line expanded', () => {
    const r = expandPrompts('a fox\n\n  {a|b} owl \r\n', { perLine: true });
    expect(r).toEqual({ prompts: ['a fox', 'a owl', 'b owl'], total: 3, capped: false });
    expect(expandPrompts('a fox\nan owl', { perLine: false }).prompts).toEqual(['a fox\nan owl']);
  });
  it('counts before expanding and caps huge templates without building them', () => {
    const t = Array.from({ length: 40 }, () => '{a|b|c|d|e|f|g|h|i|j}').join(' ');
    expect(countTemplate(parseTemplate(t))).toBeCloseTo(1e40, -30);
    const r = expandPrompts(t, { perLine: false, cap: 5 });
    expect(r.prompts.length).toBe(5);
    expect(r.capped).toBe(true);
    expect(r.total).toBeGreaterThan(1e39);
  });
  it('an empty text is no prompt', () => {
    expect(expandPrompts('   ', { perLine: true })).toEqual({ prompts: [], total: 0, capped: false });
  });
});
