// Runs a page of this repository in Chromium with WebGPU, served by a Vite dev server, and streams its console.
// The golden runner and the benchmark use it: the page logs result lines, then `__DONE__ <json>` or `__FAIL__ msg`.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { BROWSER_ARGS, resolveBrowser } from './browser.ts';

export interface PageRunOptions {
  /** Page path under the repository root, e.g. 'tools/golden/index.html'. */
  page: string;
  /** Folders served read-only at /__files/<mount>/<name>, with /__files/<mount>/ listing names as JSON. */
  mounts?: Record<string, string>;
  /** Query string for the page. */
  query?: Record<string, string>;
  timeoutMs?: number;
  /** Show the browser window. */
  headed?: boolean;
  /** Dependencies for Vite to pre-bundle before the page loads (one found mid-run makes Vite reload the page). */
  optimizeDeps?: string[];
  /** Every console line that is not `__DONE__` / `__FAIL__`, with its console type. */
  onLine: (line: string, type: string) => void;
}

function serveFolders(mounts: Record<string, string>): Plugin {
  return {
    name: 'zimage-serve-folders',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/__files\/([^/]+)\/(.*)$/.exec(decodeURIComponent((req.url ?? '').split('?')[0]));
        if (!m || !(m[1] in mounts)) return next();
        const dir = resolve(mounts[m[1]]);
        if (m[2] === '') {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(readdirSync(dir).filter((f) => statSync(resolve(dir, f)).isFile()).sort()));
          return;
        }
        const file = resolve(dir, m[2]);
        if (!file.startsWith(dir + '/') || !existsSync(file)) {
          res.statusCode = 404;
          res.end('not found');
          return;
        }
        res.setHeader('content-type', 'application/octet-stream');
        res.setHeader('content-length', String(statSync(file).size));
        createReadStream(file).pipe(res);
      });
    },
  };
}

/** Resolves with the JSON of the page's `__DONE__` line; rejects on `__FAIL__`, a page error or the timeout. */
export async function runPage<T = unknown>(opts: PageRunOptions): Promise<T> {
  const root = resolve(import.meta.dirname, '..');
  const server = await createServer({
    root,
    configFile: resolve(root, 'vite.config.ts'),
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false, watch: null },
    plugins: [serveFolders(opts.mounts ?? {})],
    ...(opts.optimizeDeps ? { optimizeDeps: { entries: [opts.page], include: opts.optimizeDeps } } : {}),
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath: resolveBrowser(), args: BROWSER_ARGS, headless: !opts.headed });
  try {
    const page = await browser.newPage();
    const result = new Promise<T>((ok, fail) => {
      page.on('console', (msg) => {
        const text = msg.text();
        if (text.startsWith('__DONE__')) ok(JSON.parse(text.slice(8).trim() || 'null') as T);
        else if (text.startsWith('__FAIL__')) fail(new Error(text.slice(8).trim()));
        else opts.onLine(text, msg.type());
      });
      page.on('pageerror', (err) => fail(err));
      page.on('crash', () => fail(new Error('the page crashed')));
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) opts.onLine(`HTTP ${r.status()} ${r.url()}`, 'error');
      });
    });
    const q = new URLSearchParams(opts.query ?? {}).toString();
    await page.goto(`http://127.0.0.1:${port}/${opts.page}${q ? `?${q}` : ''}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`page did not finish within ${(opts.timeoutMs ?? 600_000) / 1000} s`)), opts.timeoutMs ?? 600_000);
    });
    try {
      return await Promise.race([result, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
