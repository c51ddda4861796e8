// `npm run bench [-- options]`: times our WGSL kernels against a naive WGSL version and onnxruntime-web's WebGPU
// EP, all in ONE Chromium page on one device (bench/index.html), and prints a table; `--json FILE` also writes
// the results. Exits non-zero when there is no adapter, the page fails, a case errors or an output is wrong.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { type BenchResult, failures, formatTable } from '../bench/report.ts';
import { BROWSER_ARGS, resolveBrowser } from './browser.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: npm run bench -- [--json FILE] [--quick] [--full] [--filter OP[,OP]] [--ort-device auto|shared|separate] [--timeout SECONDS] [--headed]
  --json FILE     also write the results as JSON
  --quick         few iterations and samples (CI smoke test)
  --full          Z-Image's real shapes (for a real GPU; far too slow on a CPU adapter)
  --filter OP     only cases whose op contains OP (repeatable or comma-separated): euler_step, matmul_f32,
                  matmul_q4, matmul, attention, conv2d_3x3
  --ort-device M  auto (default): ORT shares our device unless the adapter's subgroups are too small for
                  its kernels (SwiftShader: 4 lanes), then it gets a second device without subgroups;
                  shared | separate force one or the other
  --timeout S     give up after S seconds (default 1800)
  --headed        show the browser window`;

interface Options {
  json: string | null;
  quick: boolean;
  full: boolean;
  filter: string[];
  timeoutS: number;
  headed: boolean;
  ortDevice: 'auto' | 'shared' | 'separate';
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: null, quick: false, full: false, filter: [], timeoutS: 1800, headed: false, ortDevice: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--json') o.json = value();
    else if (a === '--quick') o.quick = true;
    else if (a === '--full') o.full = true;
    else if (a === '--filter') o.filter.push(...value().split(',').filter(Boolean));
    else if (a === '--timeout') o.timeoutS = Number(value());
    else if (a === '--headed') o.headed = true;
    else if (a === '--ort-device') {
      const v = value();
      if (v !== 'auto' && v !== 'shared' && v !== 'separate') throw new Error(`--ort-device: auto, shared or separate, not ${v}`);
      o.ortDevice = v;
    }
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!(o.timeoutS > 0)) throw new Error(`--timeout needs a positive number of seconds\n${USAGE}`);
  return o;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createNetServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const executablePath = resolveBrowser();
  const port = await freePort();
  const server = await createServer({
    configFile: resolve(ROOT, 'vite.config.ts'),
    root: ROOT,
    logLevel: 'warn',
    clearScreen: false,
    // Pre-bundle ORT up front: a dependency discovered mid-run makes Vite reload the page.
    optimizeDeps: { entries: ['bench/index.html'], include: ['onnxruntime-web/webgpu'] },
    server: { port, strictPort: false, host: '127.0.0.1', hmr: false, watch: null },
  });
  await server.listen();
  const base = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({ executablePath, args: BROWSER_ARGS, headless: !opts.headed });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith('[bench] ')) console.error(text.slice(8));
      else if ((m.type() === 'error' || m.type() === 'warning') && !text.startsWith('Failed to load resource'))
        console.error(`[page console ${m.type()}] ${text}`);
    });
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) console.error(`[page] HTTP ${r.status()} ${r.url()}`);
    });
    const q = new URLSearchParams({ preset: opts.full ? 'full' : 'default', quick: opts.quick ? '1' : '0', filter: opts.filter.join(','), ortdevice: opts.ortDevice });
    const url = new URL(`bench/index.html?${q}`, base).href;
    console.error(`bench: ${url} in ${executablePath}`);
    const crashed = new Promise<never>((_, reject) => page.on('crash', () => reject(new Error('the bench page crashed'))));
    crashed.catch(() => undefined); // observed by the race below; a crash after it is moot
    await page.goto(url);
    await page
      .waitForFunction(() => window.__benchStarted === true, null, { timeout: 120_000 })
      .catch(() => Promise.reject(new Error('the bench page did not start within 120 s (see the page errors above)')));
    const done = page.waitForFunction(() => window.__benchResult !== undefined || window.__benchError !== undefined, null, {
      timeout: opts.timeoutS * 1000,
      polling: 500,
    });
    await Promise.race([done, crashed]);
    const error = await page.evaluate(() => window.__benchError ?? null);
    if (error) {
      console.error(`bench failed in the page: ${error}`);
      return 1;
    }
    const result = (await page.evaluate(() => window.__benchResult)) as BenchResult;
    console.log(formatTable(result));
    if (opts.json) {
      const file = resolve(process.cwd(), opts.json);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      console.error(`bench: wrote ${file}`);
    }
    const bad = failures(result);
    for (const f of bad) console.error(`FAIL ${f}`);
    return bad.length ? 1 : 0;
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
