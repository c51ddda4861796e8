// Header-exact, zero-data, full-size stand-ins of the published model files (../shared/realfiles manifests): the
// header is written byte for byte, then the file is extended to its published size with ftruncate, so it is sparse
// (no disk used) and its data reads as zeros. Tests and `npm run scale-check` run the studio's real inspection,
// detection and load code on them.
//
//   npx tsx tools/standin.ts MANIFEST.json OUT          one file
//   npx tsx tools/standin.ts MANIFEST_FOLDER OUT_FOLDER  a diffusers folder: every *.safetensors.json becomes its
//                                                        shard; other .json files (index, config) are copied verbatim
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type Manifest, readManifest, type SafetensorsManifest } from './manifest.ts';
import { ggufHeader, safetensorsElementBytes, safetensorsHeader } from './standinManifest.ts';

export const REALFILES_DIR = resolve(import.meta.dirname, '../../shared/realfiles');

/** Writes the stand-in of one manifest at `out`: its exact header, then zeros (a hole) up to its full size. */
export async function writeStandin(m: Manifest, out: string): Promise<void> {
  const header = m.format === 'gguf' ? ggufHeader(m) : safetensorsHeader(m);
  if (header.length > m.size) throw new Error(`${m.file}: header (${header.length} bytes) is larger than the file (${m.size} bytes)`);
  const fh = await open(out, 'w');
  try {
    await fh.write(header, 0, header.length, 0);
    await fh.truncate(m.size);
  } finally {
    await fh.close();
  }
}

/** A diffusers folder of manifests: every shard's stand-in, and its index / config JSONs copied verbatim. */
export async function writeStandinFolder(dir: string, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const f of (await readdir(dir)).sort()) {
    if (f.endsWith('.safetensors.json')) {
      const m = await readManifest(join(dir, f));
      await writeStandin(m, join(outDir, m.file));
      written.push(m.file);
    } else if (f.endsWith('.json')) {
      await writeFile(join(outDir, f), await readFile(join(dir, f))); // verbatim bytes (not the source's read-only mode)
      written.push(f);
    }
  }
  return written;
}

/**
 * DERIVED, NOT HEADER-EXACT: no manifest of the Z-Image base model's published transformer exists. Its shape is the
 * Turbo transformer's (same architecture), published as BF16 in `shards` shards; this re-types every tensor of the
 * Turbo manifests to `dtype`, packs them in name order and splits them into shards of about equal bytes, named like
 * diffusers names them. The result has the right tensors, shapes and dtype; its header bytes and shard sizes are ours.
 */
export function deriveShards(manifests: SafetensorsManifest[], dtype: string, shards: number, stem = 'diffusion_pytorch_model'): SafetensorsManifest[] {
  const el = safetensorsElementBytes(dtype);
  const tensors = manifests.flatMap((m) => m.tensors).sort((a, b) => (a.name < b.name ? -1 : 1));
  const bytesOf = (shape: number[]) => shape.reduce((a, d) => a * d, 1) * el;
  const total = tensors.reduce((s, t) => s + bytesOf(t.shape), 0);
  const pad = (n: number) => String(n).padStart(5, '0');
  const lists: SafetensorsManifest['tensors'][] = Array.from({ length: shards }, () => []);
  const at = new Array<number>(shards).fill(0); // bytes written to each shard's data section
  let before = 0; // bytes of all tensors placed so far
  for (const t of tensors) {
    const s = Math.min(shards - 1, Math.floor((before * shards) / total)); // the shard this tensor starts in
    const n = bytesOf(t.shape);
    lists[s].push({ name: t.name, type: dtype, shape: [...t.shape], offsets: [at[s], at[s] + n] });
    at[s] += n;
    before += n;
  }
  const out = lists.map((list, s): SafetensorsManifest => {
    const json = JSON.stringify({ __metadata__: { format: 'pt' }, ...Object.fromEntries(list.map((t) => [t.name, { dtype: t.type, shape: t.shape, data_offsets: t.offsets }])) });
    const headerBytes = Math.ceil(new TextEncoder().encode(json).length / 8) * 8; // the data section starts 8-aligned
    return { file: `${stem}-${pad(s + 1)}-of-${pad(shards)}.safetensors`, size: 8 + headerBytes + at[s], format: 'safetensors', header_bytes: headerBytes, metadata: { format: 'pt' }, tensors: list };
  });
  return out;
}

async function main(args: string[]): Promise<void> {
  if (args.length !== 2) {
    console.error('usage: npx tsx tools/standin.ts MANIFEST.json|MANIFEST_FOLDER OUT');
    process.exit(2);
  }
  const [src, out] = args;
  if (src.endsWith('.json')) {
    const m = await readManifest(src);
    await writeStandin(m, out);
    console.log(`${out}: ${m.file} stand-in, ${m.size} bytes (header-exact, data zeros, sparse)`);
  } else {
    const written = await writeStandinFolder(src, out);
    console.log(`${out}: ${written.length} files (${written.join(', ')})`);
  }
}

if (process.argv[1] && basename(process.argv[1]) === 'standin.ts') await main(process.argv.slice(2));
