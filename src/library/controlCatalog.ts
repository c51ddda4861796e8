// The catalog's ControlNets (catalog.json "controlnets"): single-file add-ons to a Z-Image-Turbo set, each with
// its download address, size and sha256 where published, and the config its file does not carry.
import { StudioError } from '../lib/errors.ts';
import builtinJson from './catalog.json';
import type { CatalogFile, CatalogSet } from './managerTypes.ts';

export interface ControlNetEntry {
  id: string;
  label: string;
  description: string;
  homepage: string;
  /** VideoX-Fun transformer_additional_kwargs (models/zimage/controlConfig.ts parses them). */
  config: Record<string, unknown>;
  file: { name: string; url: string; bytes: number | null; sha256?: string };
}

const SHA_RE = /^[0-9a-f]{64}$/;

/** Checks the "controlnets" list of a catalog; an absent list is an empty one. */
export function validateControlNets(raw: unknown, what: string): ControlNetEntry[] {
  if (raw === undefined) return [];
  const bad = (why: string) => new StudioError('bad-request', `${what}: ${why}.`);
  if (!Array.isArray(raw)) throw bad('"controlnets" must be a list');
  return raw.map((e: Record<string, unknown>, i) => {
    const f = (e?.file ?? {}) as Record<string, unknown>;
    if (typeof e.id !== 'string' || typeof e.label !== 'string') throw bad(`controlnets[${i}] needs an id and a label`);
    if (typeof f.url !== 'string' || !/^https:\/\//.test(f.url) || typeof f.name !== 'string') throw bad(`controlnets[${i}].file needs a name and an https URL`);
    if (!(f.bytes === null || (Number.isInteger(f.bytes) && (f.bytes as number) > 0))) throw bad(`controlnets[${i}].file.bytes must be a positive whole number or null`);
    if (f.sha256 !== undefined && !(typeof f.sha256 === 'string' && SHA_RE.test(f.sha256))) throw bad(`controlnets[${i}].file.sha256 must be 64 hex digits`);
    if (typeof e.config !== 'object' || e.config === null) throw bad(`controlnets[${i}] needs its config`);
    return {
      id: e.id,
      label: e.label,
      description: typeof e.description === 'string' ? e.description : '',
      homepage: typeof e.homepage === 'string' ? e.homepage : '',
      config: e.config as Record<string, unknown>,
      file: { name: f.name, url: f.url, bytes: f.bytes as number | null, sha256: f.sha256 as string | undefined },
    };
  });
}

export const BUILTIN_CONTROLNETS: ControlNetEntry[] = validateControlNets((builtinJson as { controlnets?: unknown }).controlnets, 'the built-in catalog');

/** Why a set cannot take a catalog ControlNet (null: it can): a stored Z-Image-Turbo set without one. */
export function controlNetRefusal(def: CatalogSet, stored: boolean): string | null {
  if (def.source === 'embedded' || def.selfTest) return `"${def.label}" comes with the app and already has its own test ControlNet.`;
  if (def.capabilities?.guidance || def.capabilities?.omni) return `The ControlNet is made for Z-Image-Turbo; "${def.label}" is another model.`;
  if (def.files.some((f) => f.role === 'controlnet')) return `"${def.label}" already has a ControlNet.`;
  if (!stored) return `Download "${def.label}" first, then add the ControlNet to it.`;
  return null;
}

/** A set definition with add-on files appended (names already in the set are not repeated). */
export function withAddOns(def: CatalogSet, addOns: CatalogFile[]): CatalogSet {
  const have = new Set(def.files.map((f) => f.name));
  return { ...def, files: [...def.files, ...addOns.filter((f) => !have.has(f.name))] };
}
