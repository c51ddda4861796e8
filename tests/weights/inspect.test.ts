import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspect } from '../../tools/inspectCore.ts';
import { buildGguf, buildSafetensors, buildSafetensorsRaw, f32Bytes, goldenDir, setU64 } from './builders.ts';

const g = (name: string): string => join(goldenDir(), name);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('inspect', () => {
  it('describes every golden model file (format, network, naming, config) with exit 0', async () => {
    const cases: [string, RegExp[]][] = [
      ['transformer.safetensors', [/format: safetensors/, /network: dit, naming: diffusers/, /dim 96, heads 3 x 32/, /layers 2, noise refiners 2, context refiners 2/, /check: ok/]],
      ['transformer-Q4_0.gguf', [/format: gguf v3, alignment 32/, /naming: comfy/, /tensors: 89 stored, 101 canonical/, /Q4_0 /, /general.architecture = "lumina2"/]],
      ['transformer_omni.safetensors', [/siglip refiners 2/, /omni \(siglip features\): 48/]],
      ['vae_flux_names.safetensors', [/network: vae, naming: flux/, /block channels \[32, 32, 64, 64\]/]],
      ['text_encoder.safetensors', [/network: qwen3, naming: hf/, /heads 4 x 32 \(kv heads 2\)/, /vocabulary 384/]],
      ['quants.gguf', [/network: unknown/, /Q6_K /]],
    ];
    for (const [file, res] of cases) {
      const r = await inspect([g(file)]);
      expect(r.code, r.out).toBe(0);
      for (const re of res) expect(r.out, file).toMatch(re);
    }
  });

  it('--json is machine-readable', async () => {
    const r = await inspect([g('transformer-Q8_0.gguf'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect([j.format, j.network, j.naming, j.ok, j.storedTensors, j.tensors]).toEqual(['gguf', 'dit', 'comfy', true, 89, 101]);
    expect(j.config.dim).toBe(96);
    expect(Object.keys(j.bytesByDtype).sort()).toEqual(['BF16', 'F32', 'Q8_0']);
  });

  it('inspects a sharded set through its index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    writeFileSync(join(dir, 'a.safetensors'), buildSafetensors([{ name: 'model.embed_tokens.weight', dtype: 'F32', shape: [2, 32], data: f32Bytes(new Float32Array(64)) }]));
    writeFileSync(join(dir, 'b.safetensors'), buildSafetensors([{ name: 'model.norm.weight', dtype: 'F32', shape: [32], data: f32Bytes(new Float32Array(32)) }]));
    writeFileSync(join(dir, 'm.safetensors.index.json'), JSON.stringify({ weight_map: { 'model.embed_tokens.weight': 'a.safetensors', 'model.norm.weight': 'b.safetensors' } }));
    const r = await inspect([join(dir, 'm.safetensors.index.json')]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/safetensors, 2 shards/);
    expect(r.out).toMatch(/network: qwen3, naming: hf/);
    writeFileSync(join(dir, 'bad.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'gone.safetensors' } }));
    const bad = await inspect([join(dir, 'bad.safetensors.index.json')]);
    expect([bad.code, bad.out.split('\n').length]).toEqual([2, 1]);
  });

  it('reports an incomplete model without failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    const path = join(dir, 'partial.safetensors');
    writeFileSync(path, buildSafetensors([{ name: 'layers.0.attention.to_q.weight', dtype: 'F32', shape: [1, 1], data: f32Bytes([1]) }]));
    const r = await inspect([path]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/NOT a complete model/);
    expect(r.out).toMatch(/cannot infer the config/);
  });

  it('exits 2 with one line on invalid, truncated or hostile files, and 1 on bad usage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    const good = buildGguf({ tensors: [{ name: 'w', type: 0, ne: [4], data: f32Bytes([1, 2, 3, 4]) }] });
    const files: [string, Uint8Array, RegExp][] = [
      ['magic.bin', new TextEncoder().encode('PNG.....this is not a model'), /not a GGUF or safetensors file/],
      ['huge.safetensors', setU64(buildSafetensors([]), 0, 1n << 62n), /exceeds/],
      ['cut.gguf', good.subarray(0, good.length - 20), /past the end/],
      ['count.gguf', setU64(good, 8, 1n << 40n), /larger than the file/],
      ['dtype.safetensors', buildSafetensors([{ name: 'x', dtype: 'Q9', shape: [1], data: new Uint8Array(1) }]), /unknown dtype/],
      ['shape.safetensors', buildSafetensorsRaw('{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,4]}}', [new Uint8Array(4)]), /needs 12 bytes/],
      ['empty.gguf', new Uint8Array(0), /too small/],
    ];
    for (const [name, bytes, re] of files) {
      writeFileSync(join(dir, name), bytes);
      const t0 = performance.now();
      const r = await inspect([join(dir, name)]);
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(r.code, name).toBe(2);
      expect(r.out.split('\n'), name).toHaveLength(1);
      expect(r.out).toMatch(new RegExp(`^inspect: ${join(dir, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(r.out, name).toMatch(re);
    }
    expect((await inspect([join(dir, 'missing.gguf')])).out).toMatch(/cannot read the file \(ENOENT\)/);
    expect((await inspect([])).code).toBe(1);
    expect((await inspect(['a', 'b'])).code).toBe(1);
  });

  it('the CLI (npm run inspect) prints one line to stderr and exits 2, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    const path = join(dir, 'bad.gguf');
    writeFileSync(path, new TextEncoder().encode('GGUF\x01\0\0\0'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'tools/inspect.ts'), path], { encoding: 'utf8', cwd: repo });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`inspect: ${path}: GGUF version 1 is not supported (re-convert the file with a current tool)\n`);
    const ok = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'tools/inspect.ts'), g('vae_diffusers_names.safetensors'), '--json'], { encoding: 'utf8', cwd: repo });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).network).toBe('vae');
  });
});
