// Shareable recipes: the settings of an image (never the image) in a URL fragment, `#recipe=1.<base64url JSON>`.
// The fragment never reaches a server. Compact short keys; version prefix; read back as defensively as pngMeta.ts
// reads a PNG: bounded length, base64url alphabet only, a flat JSON object of known fields with bounded strings and
// numbers in range. The result only ever fills form fields; nothing in it is run or rendered as markup.

import type { ImageMetadata, NamedLora } from '../worker/protocol.ts';
import { MAX_LORAS, MAX_NAME_CHARS, MAX_PROMPT_CHARS } from './pngMeta.ts';

export const RECIPE_PREFIX = '#recipe=';
export const RECIPE_VERSION = 1;
/** Longest fragment we read (chars); a recipe with a 16k-character prompt fits. */
export const MAX_RECIPE_CHARS = 48 * 1024;

/** The part of an image's metadata a link shares: what the form can be filled with, not what ran (model, mode). */
export type Recipe = Pick<ImageMetadata, 'prompt' | 'negativePrompt' | 'seed' | 'steps' | 'width' | 'height' | 'guidanceScale'> & { loras: NamedLora[] };

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The fragment for a recipe (starts with '#'). */
export function encodeRecipe(r: Recipe): string {
  const o: Record<string, unknown> = { p: r.prompt, s: r.seed, t: r.steps, w: r.width, h: r.height };
  if (r.negativePrompt) o.n = r.negativePrompt;
  if (r.guidanceScale !== null) o.g = r.guidanceScale;
  if (r.loras.length) o.l = r.loras.map((l) => [l.name, l.strength]);
  return `${RECIPE_PREFIX}${RECIPE_VERSION}.${toBase64Url(new TextEncoder().encode(JSON.stringify(o)))}`;
}

/** Why a recipe was refused: the link is too long, from another version, damaged, or a field is missing or out of range. */
export type RecipeProblem = 'too-long' | 'version' | 'damaged' | 'field';
export type RecipeParse = { kind: 'none' } | { kind: 'ok'; recipe: Recipe } | { kind: 'bad'; why: RecipeProblem; field?: string };

const inRange = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
const bounded = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** Reads a location hash: none when it is not a recipe, bad (with a reason) when it is one that does not check out. */
export function decodeRecipe(hash: string): RecipeParse {
  if (!hash.startsWith(RECIPE_PREFIX)) return { kind: 'none' };
  if (hash.length > MAX_RECIPE_CHARS) return { kind: 'bad', why: 'too-long' };
  const body = hash.slice(RECIPE_PREFIX.length);
  const dot = body.indexOf('.');
  if (dot < 0 || body.slice(0, dot) !== String(RECIPE_VERSION)) return { kind: 'bad', why: 'version' };
  const bytes = fromBase64Url(body.slice(dot + 1));
  if (!bytes) return { kind: 'bad', why: 'damaged' };
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>;
  } catch {
    return { kind: 'bad', why: 'damaged' };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { kind: 'bad', why: 'damaged' };
  const bad = (field: string): RecipeParse => ({ kind: 'bad', why: 'field', field });
  if (!bounded(o.p, MAX_PROMPT_CHARS)) return bad('prompt');
  if (o.n !== undefined && !bounded(o.n, MAX_PROMPT_CHARS)) return bad('negativePrompt');
  if (!inRange(o.s, 0, 2 ** 32 - 1) || !Number.isInteger(o.s)) return bad('seed');
  // Steps and size are bounded loosely here: a link is only read; the form clamps and snaps them to the request contract.
  if (!inRange(o.t, 1, 1000)) return bad('steps');
  if (!inRange(o.w, 64, 16384) || !inRange(o.h, 64, 16384)) return bad('size');
  if (o.g !== undefined && !inRange(o.g, 0, 30)) return bad('guidanceScale');
  const loras: Recipe['loras'] = [];
  if (o.l !== undefined) {
    if (!Array.isArray(o.l) || o.l.length > MAX_LORAS) return bad('loras');
    for (const l of o.l as unknown[]) {
      if (!Array.isArray(l) || l.length !== 2 || !bounded(l[0], MAX_NAME_CHARS) || !inRange(l[1], -10, 10)) return bad('loras');
      loras.push({ name: l[0], strength: l[1] });
    }
  }
  return {
    kind: 'ok',
    recipe: { prompt: o.p, negativePrompt: (o.n as string | undefined) ?? '', seed: o.s, steps: Math.round(o.t), width: o.w, height: o.h, guidanceScale: (o.g as number | undefined) ?? null, loras },
  };
}
