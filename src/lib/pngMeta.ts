// The studio's parameters in a PNG (the 'zimage' tEXt chunk): read defensively, because a dropped file can come from
// anyone. The chunk is bounded in size, must be a flat JSON object of the expected fields, and every string is
// bounded too; anything else is reported as damaged, and nothing is applied.
import { CONTROL_KINDS, GENERATE_MODES, type ControlKind, type GenerateMode, type ImageMetadata, type NamedLora } from '../worker/protocol.ts';
import { findTextChunk, latin1Text, STUDIO_KEYWORD } from './png.ts';

/** The most text the 'zimage' chunk may hold; a real one is well under 4 KiB. */
export const MAX_METADATA_BYTES = 64 * 1024;
/** Longest prompt (chars) a PNG or a recipe link may carry. */
export const MAX_PROMPT_CHARS = 16_000;
/** Longest model or LoRA file name (chars) a PNG or a recipe link may carry. */
export const MAX_NAME_CHARS = 200;
/** Most LoRAs a PNG or a recipe link may name. */
export const MAX_LORAS = 32;

const MODES: ReadonlySet<string> = new Set(GENERATE_MODES);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Validates parsed metadata; null when any required field is missing, of the wrong type, or out of bounds. */
export function parseMetadata(json: string): ImageMetadata | null {
  if (json.length > MAX_METADATA_BYTES) return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const long = (k: string, max: number) => typeof o[k] === 'string' && (o[k] as string).length > max;
  if (long('prompt', MAX_PROMPT_CHARS) || long('negativePrompt', MAX_PROMPT_CHARS) || long('model', MAX_NAME_CHARS)) return null;
  const seed = num(o.seed);
  const steps = num(o.steps);
  const width = num(o.width);
  const height = num(o.height);
  if (typeof o.prompt !== 'string' || seed === null || steps === null || width === null || height === null) return null;
  return {
    prompt: o.prompt,
    negativePrompt: typeof o.negativePrompt === 'string' ? o.negativePrompt : '',
    seed,
    steps,
    width,
    height,
    model: typeof o.model === 'string' ? o.model : '',
    mode: typeof o.mode === 'string' && MODES.has(o.mode) ? (o.mode as GenerateMode) : 'text-to-image',
    strength: num(o.strength),
    guidanceScale: num(o.guidanceScale),
    ...(Array.isArray(o.loras) ? { loras: parseLoras(o.loras) } : {}),
    ...(parseControl(o.control) ?? {}),
  };
}

const KINDS: ReadonlySet<string> = new Set(CONTROL_KINDS);

/** The ControlNet use a PNG records (kind, scale, start / end fractions, which path ran); null when absent or odd. */
function parseControl(c: unknown): { control: NonNullable<ImageMetadata['control']> } | null {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return null;
  const r = c as Record<string, unknown>;
  const scale = num(r.scale);
  const start = num(r.start);
  const end = num(r.end);
  if (typeof r.kind !== 'string' || !KINDS.has(r.kind) || scale === null || start === null || end === null) return null;
  const path = r.path === 'control-inpaint' ? 'control-inpaint' : 'control';
  return { control: { kind: r.kind as ControlKind, scale, start, end, path } };
}

/** The LoRAs a PNG names (file name and strength); at most MAX_LORAS, names bounded like the model name. */
function parseLoras(list: unknown[]): NamedLora[] {
  const out: NamedLora[] = [];
  for (const l of list.slice(0, MAX_LORAS)) {
    const r = l as { name?: unknown; strength?: unknown } | null;
    const strength = num(r?.strength);
    if (typeof r?.name === 'string' && r.name.length <= MAX_NAME_CHARS && strength !== null) out.push({ name: r.name, strength });
  }
  return out;
}

export type StudioPngMetadata = { kind: 'none' } | { kind: 'ok'; meta: ImageMetadata } | { kind: 'damaged'; why: string };

/** What a PNG says about its settings: none (not a PNG, or no 'zimage' chunk), valid ones, or damaged ones. */
export function inspectStudioPng(bytes: Uint8Array): StudioPngMetadata {
  let raw: Uint8Array | undefined;
  try {
    raw = findTextChunk(bytes, STUDIO_KEYWORD);
  } catch {
    return { kind: 'none' };
  }
  if (raw === undefined) return { kind: 'none' };
  if (raw.length > MAX_METADATA_BYTES) return { kind: 'damaged', why: `its settings chunk is ${raw.length} bytes, more than the ${MAX_METADATA_BYTES} a studio image writes` };
  const meta = parseMetadata(latin1Text(raw));
  return meta ? { kind: 'ok', meta } : { kind: 'damaged', why: 'its settings chunk is not the JSON object the studio writes' };
}

/** The studio parameters of a PNG, or null when it is not a PNG, carries none, or carries damaged ones. */
export function readStudioMetadata(bytes: Uint8Array): ImageMetadata | null {
  const r = inspectStudioPng(bytes);
  return r.kind === 'ok' ? r.meta : null;
}
