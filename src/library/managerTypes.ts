// Model manager types, and nothing else: the UI and the store import these with `import type`, the worker
// exposes a ModelManagerApi. Errors are thrown as StudioError and cross the worker boundary as ErrorData.
import type { SetCapabilities } from '../lib/capabilities.ts';
import type { ErrorData } from '../lib/errors.ts';

/**
 * What a file is for. `config` marks small JSON files of a diffusers folder (config.json, ...). `controlnet`: an
 * optional Z-Image-Fun ControlNet beside the set's DiT (loaded on first use). `previews` is the optional live-preview
 * decoder (TAEF1): downloaded with the set, but a set is ready without it (catalog.ts isOptionalRole).
 */
export type FileRole = 'transformer' | 'text_encoder' | 'vae' | 'tokenizer' | 'config' | 'controlnet' | 'previews';

export interface CatalogFile {
  role: FileRole;
  /** Unique within the set; a relative path for diffusers layouts ("transformer/...-00001-of-00003.safetensors"). */
  name: string;
  /** Absolute http(s) URL, or relative to the app's base URL for embedded sets ("./models/selftest/..."). */
  url: string;
  /** Exact size in bytes, or null when the publisher's size is not known: it is then read from the server. */
  bytes: number | null;
  /** Lower-case hex SHA-256 where the publisher gives one; otherwise the hash is computed and kept at download. */
  sha256?: string;
}

/** A catalog record's capabilities: one type for the library, the model layer and the worker (lib/capabilities.ts). */
export type { SetCapabilities };

export interface CatalogSet {
  id: string; // [a-z0-9][a-z0-9._-]{0,63}
  label: string;
  description: string;
  /** 'download': fetched into IndexedDB. 'embedded': served by the app's own origin (public/), never stored. */
  source: 'download' | 'embedded';
  files: CatalogFile[];
  capabilities: SetCapabilities;
  /** The weights are not in an engine format (bf16/fp32 safetensors): the loader converts them to q4 as it loads. */
  quantizeOnLoad?: boolean;
  /** A tiny random-weight model: a pipeline self-test, not an image model. */
  selfTest?: boolean;
  /** The set the app offers first. */
  default?: boolean;
  homepage?: string;
}

export interface Catalog {
  version: 1;
  sets: CatalogSet[];
}

export type FileStatus = 'absent' | 'partial' | 'complete' | 'verified';
/** 'complete' = every byte stored, hash not yet confirmed. Only 'verified' and 'embedded' sets are loadable. */
export type SetStatus = 'absent' | 'partial' | 'complete' | 'verified' | 'embedded';
/** Where a set's definition came from. */
export type SetOrigin = 'builtin' | 'custom' | 'import';

export interface FileInfo {
  name: string;
  role: FileRole;
  /** Total size; null while unknown (catalog gave none and it was not yet asked of the server). */
  bytes: number | null;
  storedBytes: number;
  status: FileStatus;
  /** The verified hash (publisher's or computed at download / import). */
  sha256?: string;
}

export interface SetInfo {
  id: string;
  label: string;
  description: string;
  origin: SetOrigin;
  source: 'download' | 'embedded' | 'import';
  status: SetStatus;
  /** True when the set can be loaded: verified or embedded. */
  ready: boolean;
  /** Sum of file sizes; null while any is unknown. */
  totalBytes: number | null;
  /** Bytes held in IndexedDB for this set. */
  storedBytes: number;
  files: FileInfo[];
  capabilities: SetCapabilities;
  quantizeOnLoad: boolean;
  selfTest: boolean;
  default: boolean;
  /** True while a download or import of this set runs in this manager. */
  busy: boolean;
  /** The error that stopped the last download, verification or import, if any. */
  lastError?: ErrorData;
}

export interface RateInfo {
  bytes: number; // done so far, including what was stored before this session
  total: number; // bytes
  speed: number; // bytes per second over the last few seconds
  etaMs: number | null;
}

export type TransferPhase = 'probing' | 'downloading' | 'importing' | 'verifying' | 'done';

export interface TransferProgress {
  setId: string;
  phase: TransferPhase;
  /** The file being transferred, or null between files. */
  file: (RateInfo & { name: string }) | null;
  set: RateInfo;
}

export type ProgressCallback = (p: TransferProgress) => void;

export interface StorageEstimate {
  usage: number; // bytes, whole origin
  quota: number; // bytes
  free: number; // bytes = quota - usage
  persisted: boolean | null; // null where the browser cannot tell
}

export interface VerifyReport {
  setId: string;
  ok: boolean;
  files: { name: string; ok: boolean; sha256: string | null; expected: string | null; message?: string }[];
}

/** One local file to import: a File from a picker or a drop, under a name (a relative path for folders). */
export interface ImportItem {
  file: Blob;
  /** Relative path; for a File from a folder picker pass webkitRelativePath. */
  name: string;
  role?: FileRole;
}

export interface ImportOptions {
  setId?: string;
  label?: string;
  capabilities?: SetCapabilities;
  quantizeOnLoad?: boolean;
  onProgress?: ProgressCallback;
}

export interface AddSourceOptions {
  /** For a single-file URL: a new set is made from this one, with the file of the same role replaced. */
  baseSetId?: string;
  role?: FileRole;
  label?: string;
}

/** One file handed to the inspector. */
export interface InspectItem {
  file: Blob;
  name: string;
}

/**
 * Checks one network's local files before they are stored, as one model (wired to the safetensors / GGUF readers):
 * a single .gguf / .safetensors, or every safetensors shard of a network. The caller names the files in its own
 * message, so `message` says only what is wrong.
 */
export type Inspector = (files: InspectItem[]) => Promise<{ ok: true; summary: string } | { ok: false; message: string }>;

/** What the worker exposes (through comlink) for the model panel. All methods throw StudioError on failure. */
export interface ModelManagerApi {
  list(): Promise<SetInfo[]>;
  get(setId: string): Promise<SetInfo>;
  /** Downloads what is missing, verifies, marks the set verified. Resumes whatever is stored. */
  download(setId: string, onProgress?: ProgressCallback): Promise<SetInfo>;
  /** Stops a running download (its promise rejects with 'cancelled'); what is stored is kept. */
  pause(setId: string): Promise<void>;
  resume(setId: string, onProgress?: ProgressCallback): Promise<SetInfo>;
  /** Removes everything stored for a set (and, for an imported set, the set itself). */
  delete(setId: string): Promise<void>;
  /** Re-hashes a stored set; a damaged file is discarded so that a download refetches it. */
  verify(setId: string, onProgress?: ProgressCallback): Promise<VerifyReport>;
  importFiles(items: ImportItem[], options?: ImportOptions): Promise<SetInfo>;
  /** Adds a catalog JSON or a single .gguf / .safetensors file by URL. Returns the sets added or replaced. */
  addSource(url: string, options?: AddSourceOptions): Promise<SetInfo[]>;
  removeSource(setId: string): Promise<void>;
  estimate(): Promise<StorageEstimate>;
}
