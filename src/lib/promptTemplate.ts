// Prompt lists and templates for the queue: one prompt per line, and `{a|b|c}` alternatives expanded as a cartesian
// product (the "dynamic prompts" syntax A1111 extensions and ComfyUI use). Braces without a `|` are kept as written,
// so a prompt that merely contains braces is not changed. The total is computed before anything is expanded, so a
// template of 10^12 combinations is refused in constant time, never built.

/** The most prompts one press of Generate may queue (with the batch count multiplying it). */
export const MAX_EXPANDED_PROMPTS = 100;

type Part = string | string[];

/** Splits a template into literal text and alternative groups. */
export function parseTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const close = text.indexOf('}', open + 1);
    if (close < 0) break;
    const inner = text.slice(open + 1, close);
    if (inner.includes('|') && !inner.includes('{')) {
      lit += text.slice(i, open);
      if (lit) parts.push(lit);
      lit = '';
      parts.push(inner.split('|').map((s) => s.trim()));
    } else lit += text.slice(i, open + 1);
    i = inner.includes('|') && !inner.includes('{') ? close + 1 : open + 1;
  }
  lit += text.slice(i);
  if (lit) parts.push(lit);
  return parts;
}

/** How many prompts a template gives (may exceed Number.MAX_SAFE_INTEGER for absurd templates: then Infinity). */
export function countTemplate(parts: Part[]): number {
  let n = 1;
  for (const p of parts) if (Array.isArray(p)) n *= p.length;
  return Number.isFinite(n) ? n : Infinity;
}

function expandParts(parts: Part[], cap: number): string[] {
  let out = [''];
  for (const p of parts) {
    const alts = Array.isArray(p) ? p : [p];
    const next: string[] = [];
    for (const prefix of out) for (const a of alts) if (next.length < cap) next.push(prefix + a);
    out = next;
  }
  // Alternatives may leave doubled spaces ("a  cat" for an empty alternative): tidy them.
  return out.map((s) => s.replace(/[ \t]{2,}/g, ' ').trim());
}

export interface PromptExpansion {
  /** The prompts, in order, at most `cap`. */
  prompts: string[];
  /** How many the text describes in all (before the cap). */
  total: number;
  capped: boolean;
}

/** The prompts a text stands for: per line when `perLine` (blank lines skipped), each line's template expanded. */
export function expandPrompts(text: string, opts: { perLine: boolean; cap?: number }): PromptExpansion {
  const cap = opts.cap ?? MAX_EXPANDED_PROMPTS;
  const lines = opts.perLine ? text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0) : [text.trim()].filter((l) => l.length > 0);
  const prompts: string[] = [];
  let total = 0;
  for (const line of lines) {
    const parts = parseTemplate(line);
    total += countTemplate(parts);
    if (prompts.length < cap) prompts.push(...expandParts(parts, cap - prompts.length));
  }
  return { prompts, total, capped: total > prompts.length };
}
