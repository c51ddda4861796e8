// A1111's `parameters` text: what Stable Diffusion web UI, Forge, SD.Next and image sites (Civitai) write into and
// read from a PNG. Layout (modules/infotext_utils.py, parse_generation_parameters):
//
//   <prompt, any number of lines, LoRAs inline as <lora:name:strength>>
//   Negative prompt: <negative prompt, any number of lines>
//   Steps: 8, Sampler: Euler, CFG scale: 1, Seed: 42, Size: 1024x1024, Model: Z-Image Turbo, Version: ...
//
// The last line is the parameter line only when it holds at least three `Key: value` pairs; a value with a comma,
// colon or newline is a JSON string. Parsing is bounded (input length, lines, fields) because the text comes from
// any file a person drops.
import type { ImageMetadata } from '../worker/protocol.ts';

export const A1111_KEYWORD = 'parameters';
/** The most text we read; a real one is a few KiB. */
export const MAX_PARAMETERS_CHARS = 64 * 1024;
const MAX_FIELDS = 200;
const MAX_LORAS = 32;

// A1111's re_param: a key of word characters, spaces, '-' and '/', then a quoted or comma-free value.
const RE_PARAM = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;
const RE_LORA = /<lora:([^:<>]{1,200}):([^:<>]{1,40})(?::[^<>]{0,40})?>/g;

export interface A1111Parameters {
  prompt: string;
  negativePrompt: string;
  /** Every `Key: value` of the parameter line, values unquoted, in order. */
  fields: [string, string][];
  /** LoRAs found in the prompt (removed from it). */
  loras: { name: string; strength: number }[];
}

function paramPairs(line: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of line.matchAll(RE_PARAM)) {
    if (out.length >= MAX_FIELDS) break;
    let v = m[2].trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
      try {
        const u = JSON.parse(v) as unknown;
        if (typeof u === 'string') v = u;
      } catch {
        // not valid JSON: kept as written, like A1111
      }
    }
    out.push([m[1].trim(), v]);
  }
  return out;
}

/** Parses A1111 `parameters` text; null when it is too long or says nothing. */
export function parseParameters(text: string): A1111Parameters | null {
  if (typeof text !== 'string' || text.length > MAX_PARAMETERS_CHARS) return null;
  const lines = text.trim().split(/\r?\n/);
  let fields: [string, string][] = [];
  if (lines.length > 0) {
    const pairs = paramPairs(lines[lines.length - 1]);
    if (pairs.length >= 3) {
      fields = pairs;
      lines.pop();
    }
  }
  const prompt: string[] = [];
  const negative: string[] = [];
  let inNegative = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (line.startsWith('Negative prompt:')) {
      inNegative = true;
      line = line.slice(16).trim();
    }
    (inNegative ? negative : prompt).push(line);
  }
  const loras: A1111Parameters['loras'] = [];
  const promptText = prompt
    .join('\n')
    .replace(RE_LORA, (_all, name: string, s: string) => {
      const strength = Number(s);
      if (loras.length < MAX_LORAS && Number.isFinite(strength)) loras.push({ name: name.trim(), strength });
      return '';
    })
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .trim();
  const negativePrompt = negative.join('\n').trim();
  if (!promptText && !negativePrompt && fields.length === 0 && loras.length === 0) return null;
  return { prompt: promptText, negativePrompt, fields, loras };
}

/** A1111's quote(): plain when safe, a JSON string when the value has a comma, colon or newline. */
const quote = (v: string) => (/[,:\n"]/.test(v) ? JSON.stringify(v) : v);
const stripExt = (name: string) => name.replace(/\.(safetensors|ckpt|pt|bin)$/i, '');
const num = (n: number) => String(Math.round(n * 1000) / 1000);

/** The `parameters` text for an image, as A1111 writes it. */
export function formatParameters(meta: ImageMetadata): string {
  const loras = (meta.loras ?? []).map((l) => `<lora:${stripExt(l.name)}:${num(l.strength)}>`).join(' ');
  const lines = [loras ? `${meta.prompt} ${loras}` : meta.prompt];
  if (meta.negativePrompt) lines.push(`Negative prompt: ${meta.negativePrompt}`);
  const fields: [string, string][] = [
    ['Steps', String(meta.steps)],
    ['Sampler', 'Euler'],
    ['CFG scale', num(meta.guidanceScale ?? 1)],
    ['Seed', String(meta.seed)],
    ['Size', `${meta.width}x${meta.height}`],
    ...(meta.model ? [['Model', meta.model] as [string, string]] : []),
    ...(meta.strength !== null && meta.mode !== 'text-to-image' ? [['Denoising strength', num(meta.strength)] as [string, string]] : []),
    ['Version', 'Z-Image Studio'],
  ];
  lines.push(fields.map(([k, v]) => `${k}: ${quote(v)}`).join(', '));
  return lines.join('\n');
}

/** What of another tool's parameters the studio can use, and the names of what it cannot. */
export interface AppliedParameters {
  prompt: string;
  negativePrompt: string;
  seed: number | null;
  steps: number | null;
  width: number | null;
  height: number | null;
  guidanceScale: number | null;
  loras: { name: string; strength: number }[];
  /** Field names the studio does not use (sampler other than Euler, model, hashes, hires fix, ...). */
  ignored: string[];
}

const finite = (v: string, lo: number, hi: number): number | null => {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) && n >= lo && n <= hi ? n : null;
};

export function applicableParameters(p: A1111Parameters): AppliedParameters {
  const out: AppliedParameters = { prompt: p.prompt, negativePrompt: p.negativePrompt, seed: null, steps: null, width: null, height: null, guidanceScale: null, loras: p.loras, ignored: [] };
  for (const [k, v] of p.fields) {
    let used = false;
    if (k === 'Steps') used = (out.steps = finite(v, 1, 1000)) !== null;
    else if (k === 'Seed') used = (out.seed = finite(v, 0, 2 ** 32 - 1)) !== null && Number.isInteger(out.seed);
    else if (k === 'CFG scale') used = (out.guidanceScale = finite(v, 0, 30)) !== null;
    else if (k === 'Size') {
      const m = /^(\d{1,5})x(\d{1,5})$/.exec(v.trim());
      if (m) [out.width, out.height, used] = [Number(m[1]), Number(m[2]), true];
    } else if (k === 'Sampler') used = /^euler$/i.test(v.trim()); // what the studio runs anyway
    else if (k === 'Version') used = true; // nothing to apply, nothing lost
    if (!used && !out.ignored.includes(k)) out.ignored.push(k);
  }
  if (out.seed !== null && !Number.isInteger(out.seed)) out.seed = null;
  return out;
}
