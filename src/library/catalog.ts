// The catalog: model sets as data (catalog.json), checked on the way in, whether built in or added by a person.
import { HF_DOWNLOAD_HOSTS } from '../lib/csp.ts';
import { StudioError } from '../lib/errors.ts';
import builtinJson from './catalog.json';
import type { Catalog, CatalogFile, CatalogSet, FileRole, SetCapabilities } from './managerTypes.ts';
import { remoteUrlProblem } from './network.ts';

const ROLES: readonly FileRole[] = ['transformer', 'text_encoder', 'vae', 'tokenizer', 'config', 'controlnet', 'previews'];
const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SHA_RE = /^[0-9a-f]{64}$/;
const MAX_FILES = 64;
const MAX_SETS = 256;

/**
 * A catalog fetched from a URL may name files on its own host or on Hugging Face's download hosts (where the built-in
 * catalog downloads from; the same list is the locked-down CSP connect-src, src/lib/csp.ts), nowhere else.
 */
export function isCatalogHost(hostname: string): boolean {
  return HF_DOWNLOAD_HOSTS.some((h) => (h.startsWith('*.') ? hostname.endsWith(h.slice(1)) : hostname === h));
}

/** Files of these roles never hold a set back: its status and readiness count the other files only. */
export function isOptionalRole(role: FileRole): boolean {
  return role === 'previews';
}

/** Turbo's capabilities: what a set gets when nobody says otherwise (imports, single-file sources). */
export const DEFAULT_CAPABILITIES: SetCapabilities = { guidance: false, omni: false, defaultSteps: 8, maxTokens: 512 };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface ValidateOptions {
  /** Relative URLs are kept as they are (embedded sets, resolved against the app's base URL later). */
  allowRelative?: boolean;
  /** Relative URLs are resolved against this (a catalog fetched from a URL). */
  baseUrl?: string;
}

/** Checks an unknown value as a catalog ({ version: 1, sets: [...] }, a bare array of sets, or one set). */
export function validateCatalog(raw: unknown, what: string, opts: ValidateOptions = {}): Catalog {
  const problems: string[] = [];
  let setsRaw: unknown;
  if (Array.isArray(raw)) setsRaw = raw;
  else if (isObj(raw) && 'sets' in raw) {
    if (raw.version !== undefined && raw.version !== 1) problems.push(`version: expected 1, got ${JSON.stringify(raw.version)}`);
    setsRaw = raw.sets;
  } else if (isObj(raw) && 'files' in raw) setsRaw = [raw];
  else throw new StudioError('bad-request', `${what} is not a model catalog: expected { "version": 1, "sets": [...] } or one set with "files".`);
  if (!Array.isArray(setsRaw) || setsRaw.length === 0) throw new StudioError('bad-request', `${what}: "sets" must be a non-empty list.`);
  if (setsRaw.length > MAX_SETS) throw new StudioError('bad-request', `${what} lists ${setsRaw.length} model sets; a catalog holds at most ${MAX_SETS}.`);
  const sets: CatalogSet[] = [];
  const ids = new Set<string>();
  setsRaw.forEach((s, i) => {
    const set = validateSet(s, `sets[${i}]`, problems, opts);
    if (!set) return;
    if (ids.has(set.id)) problems.push(`sets[${i}].id: "${set.id}" appears twice`);
    ids.add(set.id);
    sets.push(set);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).join('; ');
    const more = problems.length > 8 ? ` (and ${problems.length - 8} more)` : '';
    throw new StudioError('bad-request', `${what} has errors: ${shown}${more}.`);
  }
  return { version: 1, sets };
}

function validateSet(raw: unknown, at: string, problems: string[], opts: ValidateOptions): CatalogSet | null {
  if (!isObj(raw)) {
    problems.push(`${at}: expected an object`);
    return null;
  }
  const before = problems.length;
  const id = raw.id;
  if (typeof id !== 'string' || !ID_RE.test(id)) problems.push(`${at}.id: expected lower-case letters, digits, ".", "_" or "-" (1-64 characters)`);
  const label = typeof raw.label === 'string' && raw.label.trim() ? raw.label.trim() : null;
  if (!label) problems.push(`${at}.label: expected a non-empty string`);
  const source = raw.source ?? 'download';
  if (source !== 'download' && source !== 'embedded') problems.push(`${at}.source: expected "download" or "embedded"`);
  if (source === 'embedded' && !opts.allowRelative) problems.push(`${at}.source: "embedded" sets can only come with the app`);
  const caps = raw.capabilities === undefined ? DEFAULT_CAPABILITIES : validateCaps(raw.capabilities, `${at}.capabilities`, problems);
  const filesRaw = raw.files;
  const files: CatalogFile[] = [];
  if (!Array.isArray(filesRaw) || filesRaw.length === 0 || filesRaw.length > MAX_FILES) {
    problems.push(`${at}.files: expected 1 to ${MAX_FILES} files`);
  } else {
    const names = new Set<string>();
    filesRaw.forEach((f, j) => {
      const file = validateFile(f, `${at}.files[${j}]`, problems, opts);
      if (!file) return;
      if (names.has(file.name)) problems.push(`${at}.files[${j}].name: "${file.name}" appears twice`);
      names.add(file.name);
      files.push(file);
    });
    if (files.length > 0 && !files.some((f) => f.role !== 'config')) problems.push(`${at}.files: no weight or tokenizer file`);
  }
  for (const key of ['quantizeOnLoad', 'selfTest', 'default'] as const)
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') problems.push(`${at}.${key}: expected true or false`);
  if (problems.length > before || !caps) return null;
  const set: CatalogSet = {
    id: id as string,
    label: label as string,
    description: typeof raw.description === 'string' ? raw.description : '',
    source: source as CatalogSet['source'],
    files,
    capabilities: caps,
  };
  if (raw.quantizeOnLoad) set.quantizeOnLoad = true;
  if (raw.selfTest) set.selfTest = true;
  if (raw.default) set.default = true;
  if (typeof raw.homepage === 'string') set.homepage = raw.homepage;
  return set;
}

function validateCaps(raw: unknown, at: string, problems: string[]): SetCapabilities | null {
  if (!isObj(raw)) {
    problems.push(`${at}: expected an object`);
    return null;
  }
  const n = problems.length;
  for (const k of ['guidance', 'omni'] as const) if (typeof raw[k] !== 'boolean') problems.push(`${at}.${k}: expected true or false`);
  for (const k of ['defaultSteps', 'maxTokens'] as const)
    if (!Number.isInteger(raw[k]) || (raw[k] as number) < 1 || (raw[k] as number) > 10_000) problems.push(`${at}.${k}: expected a whole number 1..10000`);
  if (problems.length > n) return null;
  return { guidance: raw.guidance as boolean, omni: raw.omni as boolean, defaultSteps: raw.defaultSteps as number, maxTokens: raw.maxTokens as number };
}

function validateFile(raw: unknown, at: string, problems: string[], opts: ValidateOptions): CatalogFile | null {
  if (!isObj(raw)) {
    problems.push(`${at}: expected an object`);
    return null;
  }
  const n = problems.length;
  const { role, name, url, bytes, sha256 } = raw;
  if (typeof role !== 'string' || !ROLES.includes(role as FileRole)) problems.push(`${at}.role: expected one of ${ROLES.join(', ')}`);
  if (typeof name !== 'string' || !validName(name)) problems.push(`${at}.name: expected a relative file path without ".." or a leading "/"`);
  let finalUrl: string | null = null;
  if (typeof url !== 'string' || url === '' || url.length > 2048) problems.push(`${at}.url: expected a URL of at most 2048 characters`);
  else {
    const checked = checkUrl(url, opts);
    if (typeof checked === 'string') finalUrl = checked;
    else problems.push(`${at}.url: ${checked.problem}`);
  }
  if (bytes !== null && bytes !== undefined && (!Number.isSafeInteger(bytes) || (bytes as number) <= 0))
    problems.push(`${at}.bytes: expected a positive whole number of bytes, or null when unknown`);
  if (sha256 !== undefined && (typeof sha256 !== 'string' || !SHA_RE.test(sha256.toLowerCase())))
    problems.push(`${at}.sha256: expected 64 hexadecimal characters`);
  if (problems.length > n) return null;
  const file: CatalogFile = { role: role as FileRole, name: name as string, url: finalUrl as string, bytes: (bytes as number | null | undefined) ?? null };
  if (typeof sha256 === 'string') file.sha256 = sha256.toLowerCase();
  return file;
}

function validName(name: string): boolean {
  // Control characters and backslashes are refused: a name becomes a storage key and a label, never a path.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return false;
  return name.length > 0 && name.length <= 300 && !name.startsWith('/') && !name.split('/').some((p) => p === '' || p === '.' || p === '..');
}

/** The absolute URL a catalog entry means, or why it is refused. */
function checkUrl(url: string, opts: ValidateOptions): string | { problem: string } {
  if (opts.allowRelative && (url.startsWith('./') || url.startsWith('/'))) return url;
  let u: URL;
  try {
    u = opts.baseUrl ? new URL(url, opts.baseUrl) : new URL(url);
  } catch {
    return { problem: `"${url}" is not a web address` };
  }
  const problem = remoteUrlProblem(u);
  if (problem) return { problem: problem.replace(/\.$/, '') };
  if (opts.baseUrl) {
    const home = new URL(opts.baseUrl);
    if (u.host !== home.host && !isCatalogHost(u.hostname))
      return { problem: `${u.host} is neither the catalog's own host (${home.host}) nor a Hugging Face download host` };
  }
  return u.href;
}

/** Parses a URL a person typed; only http(s). */
export function parseSourceUrl(input: string): URL {
  const text = input.trim();
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new StudioError('bad-request', `"${text}" is not a web address. Paste a full https:// link to a .gguf, .safetensors or catalog .json file.`);
  }
  const problem = remoteUrlProblem(u);
  if (problem) throw new StudioError('bad-request', problem);
  return u;
}

export type SourceKind = 'catalog' | 'file';

/** What a URL points at, from its file name: a catalog (.json) or a weight / tokenizer file. */
export function sourceKind(u: URL): SourceKind {
  const name = fileNameOf(u).toLowerCase();
  if (name === 'tokenizer.json' || name.endsWith('.gguf') || name.endsWith('.safetensors')) return 'file';
  if (name.endsWith('.json')) return 'catalog';
  throw new StudioError('bad-request', `"${fileNameOf(u) || u.href}" is neither a .gguf, a .safetensors, a tokenizer.json nor a catalog .json file.`);
}

export function fileNameOf(u: URL): string {
  const parts = u.pathname.split('/');
  return decodeURIComponent(parts[parts.length - 1] ?? '');
}

/** A best guess at a file's role from its path; a person can override it. */
export function guessRole(path: string): FileRole {
  const p = path.toLowerCase();
  const base = p.split('/').pop() ?? p;
  if (base === 'tokenizer.json') return 'tokenizer';
  if (base.endsWith('.json')) return 'config';
  if (/control_?net/.test(base)) return 'controlnet';
  if (p.startsWith('text_encoder/') || p.includes('/text_encoder/') || /qwen|text_encoder|umt5|t5xxl|clip/.test(base)) return 'text_encoder';
  if (p.startsWith('vae/') || p.includes('/vae/') || /(^|[^a-z])(ae|vae)([^a-z]|$)/.test(base)) return 'vae';
  return 'transformer';
}

/** A set id derived from arbitrary text (a label or URL), lower-case and bounded. */
export function slugId(prefix: string, text: string): string {
  const slug = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  let h = 2166136261; // FNV-1a: a short stable suffix so that two similar texts do not collide
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return `${prefix}-${slug || 'set'}-${(h >>> 0).toString(36)}`.slice(0, 64);
}

/** The sets that come with the app (catalog.json), validated at start-up like any other catalog. */
export const BUILTIN_CATALOG: Catalog = validateCatalog(builtinJson, 'the built-in catalog', { allowRelative: true });
