// Privacy you can verify: the built app carries its CSP and breaks none of it; with offline mode on, a whole
// generate -> edit -> download session sends nothing beyond the origin (page, worker and service worker requests,
// as the browser context sees them); hostile PNGs and links get one clear message and change nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { encodePng, encodeStudioPng } from '../src/lib/png.ts';
import { GENERATE_TIMEOUT, generate, setSettings } from './studio.ts';

/** Every request the browser context makes (page, dedicated worker, service worker), and CSP violations. */
function record(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (r) => void urls.push(r.url()));
  return urls;
}

async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

test('offline mode: generate, edit and download a PNG with no request leaving the origin, under the CSP', async ({ page, context, baseURL }, info) => {
  const urls = record(context);
  const violations = await watchCsp(page);
  await page.goto('./');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");

  const sw = page.getByRole('switch', { name: 'Offline mode' });
  await sw.click(); // the switch turns on once the flag is stored, where the worker reads it
  await expect(sw).toBeChecked();
  await expect(page.getByTestId('offline-state')).toHaveText('Offline mode on');

  // The worker's one fetch wrapper refuses a download source, and says why.
  await page.getByRole('tab', { name: 'Models' }).click();
  await page.getByLabel('Source URL').fill('https://huggingface.co/org/repo/resolve/main/model.gguf');
  await expect(async () => {
    await page.getByRole('button', { name: 'Add source' }).click();
    await expect(page.getByText(/Offline mode is on, so the studio sends no network requests/)).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });

  await page.getByRole('tab', { name: 'Create' }).click();
  await setSettings(page, { size: 256, steps: 1, seed: 5 });
  await generate(page, 'a lantern in the fog');
  await page.getByRole('button', { name: 'Send to editor' }).click();
  const box = await page.locator('[data-testid="mask-canvas"] canvas').first().boundingBox();
  if (!box) throw new Error('no mask canvas');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.getByLabel('Edit instruction').fill('make it glow');
  await page.getByRole('button', { name: /^Apply edit/ }).click();
  await expect(page.getByRole('img', { name: 'After edit: make it glow' })).toBeVisible({ timeout: GENERATE_TIMEOUT });

  await page.getByRole('tab', { name: 'Create' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).first().click()]);
  expect(download.suggestedFilename()).toMatch(/^zimage-\d+.*\.png$/);

  await page.reload();
  await expect(page.getByRole('switch', { name: 'Offline mode' })).toBeChecked(); // persisted
  const origin = new URL(baseURL!).origin;
  const outside = urls.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  await info.attach('requests', { body: urls.join('\n'), contentType: 'text/plain' });
  expect(urls.length).toBeGreaterThan(5);
  expect(outside, 'requests that left the origin').toEqual([]);
  expect(await violations(), 'CSP violations').toEqual([]);
  await sw.click();
  await expect(sw).not.toBeChecked();
});

const META = { prompt: 'a fox', negativePrompt: '', seed: 42, steps: 4, width: 512, height: 512, model: 'm', mode: 'text-to-image' as const, strength: null, guidanceScale: null };
const pixels = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(90) });

test('hostile PNGs: damaged settings and impossible sizes get one message each and change nothing', async ({ page }) => {
  await page.goto('./');
  await setSettings(page, { seed: 777 });
  await page.getByLabel('Prompt', { exact: true }).fill('my own prompt');
  const load = page.getByLabel('Load settings from PNG');
  const cases: [string, Uint8Array][] = [
    ['oversized.png', await encodePng(pixels(2, 2), { zimage: JSON.stringify({ ...META, prompt: 'x'.repeat(70_000) }) })],
    ['nested.png', await encodePng(pixels(2, 2), { zimage: '['.repeat(20_000) + ']'.repeat(20_000) })],
    ['malformed.png', await encodePng(pixels(2, 2), { zimage: '{"prompt": "<script>alert(1)</script>", "seed":' })],
  ];
  for (const [name, bytes] of cases) {
    await load.setInputFiles({ name, mimeType: 'image/png', buffer: Buffer.from(bytes) });
    await expect(page.getByText(/The settings in this image could not be restored: .* Nothing was changed\./)).toBeVisible();
    await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('my own prompt');
    await expect(page.getByRole('form', { name: 'Generation settings' }).getByLabel('Seed', { exact: true })).toHaveValue('777');
  }
  // A script-bearing prompt is restored as plain text, never run.
  const evil = '<img src=x onerror="document.title=\'pwned\'">';
  await load.setInputFiles({ name: 'evil.png', mimeType: 'image/png', buffer: Buffer.from(await encodeStudioPng(pixels(2, 2), { ...META, prompt: evil })) });
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue(evil);
  expect(await page.title()).toBe('Z-Image Studio');

  // An image claiming 100000 x 100000 pixels, and a broken one, opened in the editor.
  const huge = await encodePng(pixels(1, 1));
  const dv = new DataView(huge.buffer);
  dv.setUint32(16, 100_000);
  dv.setUint32(20, 100_000);
  await page.getByRole('tab', { name: 'Edit' }).click();
  const open = page.getByLabel('Open image').first();
  await open.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.from(huge) });
  await expect(page.getByText(/Could not open huge\.png: it is 100000×100000 pixels/)).toBeVisible();
  await open.setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) });
  await expect(page.getByText(/Could not open broken\.jpg: this file is not an image the browser can read/)).toBeVisible();
});

/** A server on 127.0.0.1 that answers a model link with a web page, and a slow catalog set for the two-tab test. */
function startHostile(): Promise<{ server: Server; url: string }> {
  const body = new Uint8Array(256 * 1024).fill(7);
  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'range');
    res.setHeader('access-control-expose-headers', 'content-range, content-length, accept-ranges');
    if (req.method === 'OPTIONS') return void res.end();
    const { port } = server.address() as AddressInfo;
    if (req.url === '/page.gguf') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
    if (req.url === '/catalog.json') {
      const files = [{ role: 'transformer', name: 'slow.gguf', url: `http://127.0.0.1:${port}/slow.gguf`, bytes: body.length }];
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: 1, sets: [{ id: 'slow-set', label: 'Slow set', files }] }));
    }
    if (req.url === '/slow.gguf') {
      const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      const end = m && m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
      const headers = { 'accept-ranges': 'bytes', 'content-length': String(end - start + 1), ...(m ? { 'content-range': `bytes ${start}-${end}/${body.length}` } : {}) };
      setTimeout(() => res.writeHead(m ? 206 : 200, headers).end(body.subarray(start, end + 1)), 1500); // slow enough to overlap
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

test('hostile links get one message each; two tabs do not download the same set twice', async ({ page, context }) => {
  const { server, url } = await startHostile();
  try {
    await page.goto('./#models');
    const field = page.getByLabel('Source URL');
    const add = page.getByRole('button', { name: 'Add source' });
    for (const [link, message] of [
      ['http://mirror.example/model.gguf', /not a secure \(https:\/\/\) address/],
      ['https://user:secret@huggingface.co/model.gguf', /carries a user name or password/],
      [`${url}page.gguf`, /answered with a web page, not a file/],
    ] as const) {
      // The start-up refresh of the list may land after the first click and clear its message: click again then.
      await expect(async () => {
        await field.fill(link);
        await add.click();
        await expect(page.getByText(message)).toBeVisible({ timeout: 5_000 });
      }).toPass({ timeout: 60_000 });
    }

    await field.fill(`${url}catalog.json`);
    await add.click();
    await expect(page.getByRole('heading', { name: 'Slow set' })).toBeVisible({ timeout: 30_000 });
    const tab2 = await context.newPage();
    await tab2.goto('./#models');
    await expect(tab2.getByRole('heading', { name: 'Slow set' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Download Slow set' }).click();
    await tab2.getByRole('button', { name: 'Download Slow set' }).click();
    await expect(tab2.getByText(/already being downloaded in another tab of the studio/)).toBeVisible({ timeout: 30_000 });
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Slow set' }) });
    await expect(card.getByText(/Verified|Ready/i).first()).toBeVisible({ timeout: 60_000 });
  } finally {
    server.close();
  }
});
