// The model library's half of the worker's API (re-exported by protocol.ts, which the page imports): stored model
// sets, transfers, import and verification, and stored LoRAs. Types only; like protocol.ts it imports nothing but
// types from protocol.ts and lib/.
import type { ErrorData } from '../lib/errors.ts';
import type { ModelCapabilities, Result } from './protocol.ts';

export type SetStatus = 'absent' | 'partial' | 'complete' | 'verified' | 'error';

export interface ModelFileInfo {
  name: string;
  role?: string;
  bytes: number;
  storedBytes: number;
  sha256?: string;
}

export interface ModelSetInfo {
  id: string;
  label: string;
  description?: string;
  totalBytes: number;
  storedBytes: number;
  status: SetStatus;
  /** The tiny random-weight self-test model shipped with the app (works offline, no download). */
  embedded?: boolean;
  isDefault?: boolean;
  capabilities?: Partial<ModelCapabilities>;
  files: ModelFileInfo[];
  source?: string;
  error?: ErrorData;
  /** A catalog ControlNet this stored Turbo set can take ("Add ControlNet"); bytes null: size not published. */
  controlNetOffer?: { id: string; label: string; bytes: number | null };
}

export interface TransferProgress {
  setId: string;
  phase: 'downloading' | 'verifying' | 'importing';
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaMs: number | null;
  file?: string;
}

export interface VerifyReport {
  ok: boolean;
  badFiles: string[];
}

export interface ImportFile {
  file: File;
  path: string;
}

/** A stored LoRA file (IndexedDB, beside the model sets). */
export interface LoraInfo {
  id: string;
  name: string; // the file name: what PNG metadata names
  bytes: number;
  source: 'file' | 'url';
  url?: string;
  /** Module pairs in the file, and keys that match no Z-Image module (reported, never applied). */
  modules: number;
  unmatched: string[];
  addedAt: number; // ms since epoch
}

/** The model manager's side of the worker: stored sets, downloads, import, verification. */
export interface ModelsApi {
  listModelSets(): Promise<Result<ModelSetInfo[]>>;
  /** Starts or resumes; resolves with a 'cancelled' error when paused. */
  downloadModelSet(setId: string, onProgress?: (p: TransferProgress) => void): Promise<Result<void>>;
  pauseModelDownload(setId: string): Promise<Result<void>>;
  deleteModelSet(setId: string): Promise<Result<void>>;
  verifyModelSet(setId: string, onProgress?: (p: TransferProgress) => void): Promise<Result<VerifyReport>>;
  importModelFiles(files: ImportFile[], onProgress?: (p: TransferProgress) => void): Promise<Result<ModelSetInfo>>;
  addModelSource(url: string): Promise<Result<ModelSetInfo[]>>;
  /** Adds a catalog ControlNet (controlNetOffer.id) to a stored set; downloadModelSet then fetches it. */
  addControlNet(setId: string, controlId: string): Promise<Result<ModelSetInfo>>;
}

/** Stored LoRAs (run in the worker beside the model manager). */
export interface LorasApi {
  listLoras(): Promise<Result<LoraInfo[]>>;
  /** Stores a LoRA .safetensors; a file that is not a Z-Image LoRA is refused with one sentence. */
  importLora(file: File): Promise<Result<LoraInfo>>;
  /** Downloads a LoRA .safetensors from a URL and stores it like an imported one. */
  addLoraUrl(url: string): Promise<Result<LoraInfo>>;
  deleteLora(id: string): Promise<Result<void>>;
  /** Whether a LoRA fits the loaded model (shapes); an error says why not. */
  checkLora(id: string): Promise<Result<void>>;
}
