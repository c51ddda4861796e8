// Typed errors that cross the worker boundary as plain data ({ code, message }) and that the UI can branch on.

export type ErrorCode =
  | 'webgpu-unavailable'
  | 'limits'
  | 'device-lost'
  | 'out-of-memory'
  | 'validation'
  | 'storage-quota'
  | 'integrity'
  | 'bad-model-file'
  | 'network'
  | 'cancelled'
  | 'bad-request'
  | 'internal';

export interface ErrorData {
  code: ErrorCode;
  message: string;
}

export class StudioError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
  }
  toData(): ErrorData {
    return { code: this.code, message: this.message };
  }
}

export function isStudioError(err: unknown): err is StudioError {
  return err instanceof StudioError || (typeof err === 'object' && err !== null && 'code' in err && 'message' in err && (err as { name?: string }).name === 'StudioError');
}

/** Any thrown value as { code, message }; unknown failures become 'internal' with their own text kept. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof StudioError) return err.toData();
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err) {
    const e = err as { code: unknown; message: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') return { code: e.code as ErrorCode, message: e.message };
  }
  if (err instanceof DOMException && err.name === 'QuotaExceededError')
    return { code: 'storage-quota', message: 'The browser refused to store more data: storage is full. Free space or delete a model set, then try again.' };
  if (err instanceof DOMException && err.name === 'AbortError') return { code: 'cancelled', message: 'The operation was cancelled.' };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}
