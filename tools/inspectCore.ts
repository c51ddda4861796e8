// `npm run inspect -- FILE [--json]`, as a function (tests call it directly). Reads headers only, never tensor data.
// Exit codes: 0 the file parsed (whatever it holds), 1 usage, 2 the file is invalid, truncated, hostile or unreadable;
// on 2 the output is exactly one line `inspect: <file>: <problem>`.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatBytes } from '../src/lib/bytes.ts';
import { isStudioError } from '../src/lib/errors.ts';
import type { DetectReport } from '../src/weights/detect.ts';
import { describeGgufValue } from '../src/weights/gguf.ts';
import type { ModelFile } from '../src/weights/modelFile.ts';
import { openModelFile, openShardedModel } from '../src/weights/modelFile.ts';
import { NodeFileSource } from './nodeSource.ts';

export interface InspectResult {
  code: number;
  out: string;
}

export const USAGE = 'usage: npm run inspect -- FILE [--json]   (FILE: .safetensors, .gguf or a *.safetensors.index.json)';

function configLines(r: DetectReport): string[] {
  if (!r.dims) return r.problems.map((p) => `  ${p}`);
  const c = r.dims;
  switch (c.network) {
    case 'dit': {
      const d = c.dims;
      return [
        `  dim ${d.dim}, heads ${d.nHeads} x ${d.headDim} (kv heads ${d.nKvHeads}), ffn ${d.ffnDim}`,
        `  layers ${d.nLayers}, noise refiners ${d.nNoiseRefiner}, context refiners ${d.nContextRefiner}${d.siglipFeatDim !== null ? `, siglip refiners ${d.nSiglipRefiner}` : ''}`,
        `  caption features ${d.capFeatDim}, patch in/out ${d.patchIn}/${d.patchOut}, adaLN ${d.adalnDim}, t-embedder ${d.tFreqDim} -> ${d.tHidden}`,
        `  omni (siglip features): ${d.siglipFeatDim ?? 'no'}`,
      ];
    }
    case 'vae': {
      const v = c.dims;
      return [
        `  block channels [${v.blockOutChannels.join(', ')}], ${v.layersPerBlock} resnets per block, latent channels ${v.latentChannels}`,
        `  image channels in/out ${v.inChannels}/${v.outChannels}, encoder ${v.hasEncoder ? 'yes' : 'no'}, decoder ${v.hasDecoder ? 'yes' : 'no'}`,
      ];
    }
    case 'qwen3': {
      const q = c.dims;
      return [
        `  hidden ${q.hiddenSize}, layers ${q.numLayers}, heads ${q.numHeads} x ${q.headDim} (kv heads ${q.numKvHeads})`,
        `  intermediate ${q.intermediateSize}, vocabulary ${q.vocabSize}`,
      ];
    }
  }
}

function listLine(label: string, items: string[]): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, 12).join(', ');
  return [`  ${label} (${items.length}): ${shown}${items.length > 12 ? ', ...' : ''}`];
}

function toJson(path: string, file: ModelFile, r: DetectReport): string {
  const metadata: Record<string, string> = {};
  for (const [k, v] of file.metadata) metadata[k] = typeof v === 'string' ? v : describeGgufValue(v);
  return JSON.stringify(
    {
      file: path,
      format: file.format,
      header: file.header,
      network: r.network,
      naming: r.naming,
      storedTensors: file.raw.length,
      tensors: file.tensors.size,
      bytesByDtype: file.bytesByDtype(),
      config: r.dims?.dims ?? null, // the measured dims, under the key the JSON output has always used
      ok: r.ok,
      missing: r.missing,
      unexpected: r.unexpected,
      misshaped: r.misshaped,
      ignored: r.ignored,
      problems: r.problems,
      metadata,
    },
    null,
    2,
  );
}

/** A canonical name, with the name the file stores it under when that differs. */
function stored(file: ModelFile, name: string): string {
  const f = file.tensors.get(name)?.fileName ?? name;
  return f === name ? name : `${name} (stored as ${f})`;
}

function toText(path: string, file: ModelFile, r: DetectReport): string {
  const h = file.header;
  const fmt = file.format === 'gguf' ? `gguf v${h.version}, alignment ${h.alignment}` : `safetensors${h.shards ? `, ${h.shards} shards` : ''}`;
  const bytes = Object.entries(file.bytesByDtype()).map(([d, b]) => `${d} ${formatBytes(b)}`);
  const lines = [
    `file: ${path}`,
    `format: ${fmt}, header ${h.headerBytes} bytes`,
    `network: ${r.network}, naming: ${r.naming}`,
    `tensors: ${file.raw.length} stored, ${file.tensors.size} canonical${r.ignored.length ? `, ${r.ignored.length} ignored` : ''}`,
    `bytes by dtype: ${bytes.join(', ') || 'none'}`,
    'config:',
    ...configLines(r),
    `check: ${r.ok ? 'ok, every tensor present with the expected shape' : 'NOT a complete model'}`,
    ...listLine('missing', r.missing),
    ...listLine('unexpected', r.unexpected),
    ...listLine('mis-shaped', r.misshaped.map((m) => `${stored(file, m.name)} [${m.actual.join(', ')}] (expected [${m.expected.join(', ')}])`)),
    ...(r.dims ? r.problems.map((p) => `  ${p}`) : []),
  ];
  const meta = [...file.metadata].slice(0, 20).map(([k, v]) => `  ${k} = ${describeGgufValue(v)}`);
  if (meta.length) lines.push(`metadata (${file.metadata.size}):`, ...meta);
  return lines.join('\n');
}

async function open(path: string, sources: NodeFileSource[]): Promise<ModelFile> {
  if (path.endsWith('.index.json')) {
    const index = await readFile(path, 'utf8');
    return openShardedModel(index, async (name) => {
      const s = await NodeFileSource.open(join(dirname(path), name));
      sources.push(s);
      return s;
    });
  }
  const src = await NodeFileSource.open(path);
  sources.push(src);
  return openModelFile(src);
}

function problemOf(err: unknown): string {
  if (isStudioError(err)) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') return `cannot read the file (${e.code})`;
  return `unexpected failure: ${err instanceof Error ? err.message : String(err)}`;
}

export async function inspect(args: readonly string[]): Promise<InspectResult> {
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (files.length !== 1 || files[0].startsWith('-')) return { code: 1, out: USAGE };
  const path = files[0];
  const sources: NodeFileSource[] = [];
  try {
    const file = await open(path, sources);
    const report = file.detect();
    return { code: 0, out: json ? toJson(path, file, report) : toText(path, file, report) };
  } catch (err) {
    return { code: 2, out: `inspect: ${path}: ${problemOf(err).replace(/\s+/g, ' ')}` };
  } finally {
    for (const s of sources) await s.close();
  }
}
