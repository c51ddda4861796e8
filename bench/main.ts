// The bench page: one device, every selected case in turn (ours, naive, ORT on that same device), then the
// result as a `__DONE__ <json>` console line (or `__FAIL__ reason`) for tools/bench.ts (tools/pageRunner.ts).
// Query: preset=default|full, quick=1, filter=op[,op...], ortdevice=auto|shared|separate.
import { Gpu } from '../src/engine/gpu.ts';
import { Rng } from '../src/lib/rng.ts';
import { selectCases } from './cases/index.ts';
import type { SizePreset } from './cases/types.ts';
import { GPU_TIMING_NOTE, runCase, TIMING, TIMING_NOTES } from './harness.ts';
import { configureOrt, ortDevice, type OrtDeviceMode, ortVersion } from './ort.ts';
import type { BenchResult } from './report.ts';

const logEl = document.getElementById('log');
function log(line: string): void {
  console.log(`[bench] ${line}`);
  if (logEl) logEl.textContent += `${line}\n`;
}

/** FNV-1a of a string: a stable seed. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const preset: SizePreset = q.get('preset') === 'full' ? 'full' : 'default';
  const quick = q.get('quick') === '1';
  const filter = (q.get('filter') ?? '').split(',').filter(Boolean);
  const ortMode = (q.get('ortdevice') ?? 'auto') as OrtDeviceMode;
  // Vite serves the repository root, so ORT's wasm is fetched straight from node_modules.
  configureOrt(new URL('/node_modules/onnxruntime-web/dist/', location.href).href);

  const gpu = await Gpu.create();
  const a = gpu.adapter;
  const info = (await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }))?.info;
  log(`adapter: ${[a.vendor, a.architecture, a.description].filter(Boolean).join(' / ')}`);
  const ort = await ortDevice(gpu.device, gpu.features.subgroups, ortMode);
  log(`onnxruntime-web runs on ${ort.description}`);
  const cases = selectCases(preset, filter);
  if (!cases.length) throw new Error(`no case matches --filter ${filter.join(',')}`);

  const result: BenchResult = {
    adapter: { ...a, subgroupMinSize: info?.subgroupMinSize ?? null, subgroupMaxSize: info?.subgroupMaxSize ?? null },
    features: gpu.features,
    date: new Date().toISOString(),
    userAgent: navigator.userAgent,
    ort: { version: ortVersion(), device: ort.description },
    options: { quick, preset, filter, ortDevice: ortMode },
    timing: TIMING_NOTES,
    gpuTiming: gpu.features.timestampQuery ? GPU_TIMING_NOTE : 'none: this device has no timestamp-query, so only wall clock was measured',
    cases: [],
  };
  for (const [i, c] of cases.entries()) {
    log(`[${i + 1}/${cases.length}] ${c.op} ${c.shape}`);
    // Seeded by the case's name, so its inputs do not depend on which other cases ran.
    const rng = new Rng(hash(`${c.op} ${c.shape}`));
    result.cases.push(await runCase(c, { gpu, ortDevice: ort.device, rng }, quick ? TIMING.quick : TIMING.normal, log));
  }
  if (ort.device !== gpu.device) ort.device.destroy();
  gpu.destroy();
  console.log(`__DONE__ ${JSON.stringify(result)}`);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  log(`FAILED: ${message}`);
  console.log(`__FAIL__ ${message}`);
});
