// What a loaded set can do: the catalog record, overridden only where the loaded files prove otherwise
// (models/zimage/capabilities.ts), and the catalog as the one source of default steps (Turbo 8, base 50).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SetCapabilities } from '../../src/lib/capabilities.ts';
import { BUILTIN_CATALOG, DEFAULT_CAPABILITIES } from '../../src/library/catalog.ts';
import { capabilitiesOf, loadedCapabilities } from '../../src/models/zimage/capabilities.ts';
import { openNetworks } from '../../src/models/zimage/openSet.ts';
import { MAX_TOKENS } from '../../src/models/zimage/tokenizer.ts';
import { setFilesOf } from '../../src/worker/storedSets.ts';
import { makeSelftest } from '../../tools/makeSelftest.ts';

const record = (id: string): SetCapabilities => BUILTIN_CATALOG.sets.find((s) => s.id === id)!.capabilities;
const facts = { siglip: false, controlNet: false, tokenLimit: MAX_TOKENS };

describe('loaded capabilities', () => {
  it('keep the guidance and default steps of the record', () => {
    const base = { guidance: true, omni: false, defaultSteps: 50, maxTokens: 512 };
    expect(loadedCapabilities(base, facts)).toEqual({ ...base, controlNet: false });
    expect(loadedCapabilities({ ...base, guidance: false, defaultSteps: 8 }, facts)).toMatchObject({ guidance: false, defaultSteps: 8 });
  });

  it('take omni, ControlNet and the token limit from the loaded files, whatever the record says', () => {
    expect(loadedCapabilities({ ...DEFAULT_CAPABILITIES, omni: true }, facts).omni).toBe(false); // no SigLIP weights
    expect(loadedCapabilities(DEFAULT_CAPABILITIES, { ...facts, siglip: true }).omni).toBe(true); // an imported omni DiT
    expect(loadedCapabilities(DEFAULT_CAPABILITIES, { ...facts, controlNet: true }).controlNet).toBe(true);
    expect(loadedCapabilities({ ...DEFAULT_CAPABILITIES, maxTokens: 9000 }, { ...facts, tokenLimit: 256 }).maxTokens).toBe(256);
  });

  it('default steps come from the catalog: Turbo sets 8, the base model 50 with guidance', () => {
    expect(record('zimage-turbo-q4')).toMatchObject({ guidance: false, defaultSteps: 8 });
    expect(record('zimage-turbo-diffusers')).toMatchObject({ guidance: false, defaultSteps: 8 });
    expect(record('zimage-base')).toMatchObject({ guidance: true, defaultSteps: 50 });
    expect(DEFAULT_CAPABILITIES).toMatchObject({ guidance: false, defaultSteps: 8 });
  });

  it('the embedded self-test set, opened as the worker opens it: Turbo-like, no omni, its ControlNet stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'selftest-caps-'));
    try {
      makeSelftest(dir);
      const def = BUILTIN_CATALOG.sets.find((s) => s.id === 'selftest')!;
      const files = def.files.map((f) => ({ role: f.role, name: f.name, blob: new Blob([readFileSync(join(dir, f.name))]) }));
      const set = setFilesOf(def.id, { label: def.label, selfTest: true, capabilities: def.capabilities }, files);
      const opened = await openNetworks(set);
      expect(capabilitiesOf(set, opened.transformer.config)).toEqual({ guidance: false, omni: false, defaultSteps: 8, maxTokens: MAX_TOKENS, controlNet: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
