// Where the golden reference files are: $ZIMAGE_GOLDEN_DIR, else ../shared/golden beside the repository.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function goldenDir(): string {
  const fromEnv = process.env.ZIMAGE_GOLDEN_DIR;
  if (fromEnv) return resolve(fromEnv);
  const beside = resolve(import.meta.dirname, '../../shared/golden');
  if (existsSync(beside)) return beside;
  throw new Error('golden files not found: set ZIMAGE_GOLDEN_DIR or put shared/golden beside the repository');
}
