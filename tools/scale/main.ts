// The scale-check page (tools/scaleCheck.ts): the files chosen in its <input type=file> (disk-backed Files, as a
// person's pick) go through the studio's local import (model manager → localImport.ts → IndexedDB chunks), then the
// stored set is opened and loaded on this browser's WebGPU adapter by the worker's own code (storedSets.ts,
// models/zimage/networks.ts loadZImage). Reports `__DONE__ <json>` or `__FAIL__ <message>`.
import { describeAdapter } from '../../src/engine/device.ts';
import { Gpu } from '../../src/engine/gpu.ts';
import { toErrorData } from '../../src/lib/errors.ts';
import { createModelManager } from '../../src/library/manager.ts';
import { inspectFile } from '../../src/worker/modelsApi.ts';
import { loadZImage } from '../../src/models/zimage/networks.ts';
import { storedSet } from '../../src/worker/storedSets.ts';

export interface ScaleResult {
  adapter: string;
  setId: string;
  importSeconds: number;
  loadSeconds: number;
  weightBytes: number; // GPU bytes the loaded set holds (the engine pool's exact accounting)
  peakBytes: number; // the pool's peak
  storedBytes: number; // bytes the set takes in IndexedDB
}

const log = (line: string) => {
  console.log(line);
  document.querySelector('#log')!.textContent += `\n${line}`;
};

async function run(files: File[]): Promise<ScaleResult> {
  const manager = createModelManager({ baseUrl: location.origin + '/', inspector: inspectFile });
  const t0 = performance.now();
  const info = await manager.importFiles(
    files.map((file) => ({ file, name: file.webkitRelativePath || file.name })),
    { label: 'scale-check stand-ins' },
  );
  const importSeconds = (performance.now() - t0) / 1000;
  log(`[scale] imported ${info.id}: ${info.files.length} files, ${info.storedBytes} bytes stored in ${importSeconds.toFixed(1)} s`);

  const gpu = await Gpu.create();
  const adapter = describeAdapter(gpu.adapter);
  log(`[scale] adapter: ${adapter}`);
  const t1 = performance.now();
  let lastPhase = '';
  const set = await loadZImage(gpu, await storedSet(manager, info.id), (what) => {
    if (what !== lastPhase) log(`[scale] load: ${what} at ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    lastPhase = what;
  });
  const loadSeconds = (performance.now() - t1) / 1000;
  const stats = gpu.pool.stats();
  const result: ScaleResult = { adapter, setId: info.id, importSeconds, loadSeconds, weightBytes: set.weightBytes, peakBytes: stats.peakBytes, storedBytes: info.storedBytes };
  set.release();
  gpu.destroy();
  return result;
}

const input = document.querySelector<HTMLInputElement>('#files')!;
input.addEventListener('change', () => {
  run([...(input.files ?? [])])
    .then((r) => console.log(`__DONE__ ${JSON.stringify(r)}`))
    .catch((err) => console.log(`__FAIL__ ${toErrorData(err).message}`));
});
console.log('__READY__');
