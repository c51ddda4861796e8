// Sources a person adds by URL: a catalog JSON (one set or many, e.g. a mirror), or one .gguf / .safetensors /
// tokenizer.json file, either alone or swapped into an existing set ("Turbo, but with this Q8_0 DiT").
import { StudioError } from '../lib/errors.ts';
import { DEFAULT_CAPABILITIES, fileNameOf, guessRole, parseSourceUrl, slugId, sourceKind, validateCatalog } from './catalog.ts';
import { httpFailure, probe, withRetry, type DownloadConfig } from './download.ts';
import type { AddSourceOptions, CatalogSet, SetOrigin } from './managerTypes.ts';
import type { ModelStore } from './store.ts';

const MAX_CATALOG_BYTES = 1024 * 1024;
/** How long adding a source may wait on the server, in all. */
export const SOURCE_TIMEOUT_MS = 60_000;

export interface SourceContext {
  cfg: DownloadConfig;
  store: ModelStore;
  known: Map<string, { def: CatalogSet; origin: SetOrigin }>;
}

export async function addSource(ctx: SourceContext, input: string, opts: AddSourceOptions): Promise<CatalogSet[]> {
  const u = parseSourceUrl(input);
  // A deadline whose reason says what happened: a timeout is a network failure, not a pause.
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new StudioError('network', `${u.href}: the server did not answer within ${SOURCE_TIMEOUT_MS / 1000} s. Check the address, or try again later.`)),
    SOURCE_TIMEOUT_MS,
  );
  let defs: CatalogSet[];
  try {
    defs = sourceKind(u) === 'catalog' ? await fetchCatalog(ctx, u, deadline.signal) : [await fileSource(ctx, u, opts, deadline.signal)];
  } finally {
    clearTimeout(timer);
  }
  for (const def of defs) {
    const prev = ctx.known.get(def.id);
    if (prev && prev.origin !== 'custom')
      throw new StudioError('bad-request', `The set id "${def.id}" is already taken by ${prev.origin === 'builtin' ? 'a built-in set' : 'an imported set'}; give the set another id.`);
  }
  for (const def of defs) await ctx.store.putSource(def);
  return defs;
}

async function fetchCatalog(ctx: SourceContext, u: URL, signal: AbortSignal): Promise<CatalogSet[]> {
  const text = await withRetry(ctx.cfg, signal, u.href, async () => {
    const res = await ctx.cfg.fetch(u.href, { signal });
    if (!res.ok) {
      await res.body?.cancel();
      throw httpFailure(res, u.href);
    }
    const len = Number(res.headers.get('content-length') ?? 0);
    if (len > MAX_CATALOG_BYTES) {
      await res.body?.cancel();
      throw new StudioError('bad-request', `${u.href} is ${len} bytes: too large for a catalog (at most 1 MiB).`);
    }
    return new TextDecoder().decode(await readCapped(res, u.href));
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StudioError('bad-request', `${u.href} is not valid JSON: ${(err as Error).message}.`);
  }
  return validateCatalog(raw, `The catalog at ${u.href}`, { baseUrl: u.href }).sets;
}

/** The body's bytes, refused as soon as they pass the catalog cap (whatever Content-Length said, if anything). */
async function readCapped(res: Response, href: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let got = 0; // bytes
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        got += value.byteLength;
        if (got > MAX_CATALOG_BYTES) throw new StudioError('bad-request', `${href} is too large for a catalog (at most 1 MiB).`);
        parts.push(value);
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }
  const out = new Uint8Array(got);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

async function fileSource(ctx: SourceContext, u: URL, opts: AddSourceOptions, signal: AbortSignal): Promise<CatalogSet> {
  const name = fileNameOf(u);
  const role = opts.role ?? guessRole(name);
  const p = await probe(ctx.cfg, u.href, signal);
  const file = { role, name, url: u.href, bytes: p.total };
  if (!opts.baseSetId) {
    return {
      id: slugId('url', u.href),
      label: opts.label ?? name,
      description: `Added from ${u.href}.`,
      source: 'download',
      files: [file],
      capabilities: DEFAULT_CAPABILITIES,
      ...(/\.safetensors$/i.test(name) && (role === 'transformer' || role === 'text_encoder') ? { quantizeOnLoad: true } : {}),
    };
  }
  const base = ctx.known.get(opts.baseSetId)?.def;
  if (!base) throw new StudioError('bad-request', `There is no model set "${opts.baseSetId}" to base the new source on.`);
  if (base.source === 'embedded') throw new StudioError('bad-request', 'The self-test set cannot be combined with downloaded files.');
  // The new file replaces every file of its role (all shards, and their configs when it is a single GGUF).
  const dropConfigOf = role === 'transformer' || role === 'text_encoder' || role === 'vae' ? `${role}/` : null;
  const files = base.files.filter((f) => f.role !== role && !(dropConfigOf && f.role === 'config' && f.name.startsWith(dropConfigOf) && /\.gguf$/i.test(name)));
  if (files.some((f) => f.name === name)) throw new StudioError('bad-request', `"${base.label}" already has another file named ${name}.`);
  files.push(file);
  const quantize = files.some((f) => (f.role === 'transformer' || f.role === 'text_encoder') && /\.safetensors$/i.test(f.name));
  const def: CatalogSet = {
    id: slugId('url', `${base.id}|${u.href}`),
    label: opts.label ?? `${base.label} · ${name}`,
    description: `${base.label} with ${role.replace('_', ' ')} from ${u.href}.`,
    source: 'download',
    files,
    capabilities: base.capabilities,
  };
  if (quantize) def.quantizeOnLoad = true;
  if (base.homepage) def.homepage = base.homepage;
  return def;
}
