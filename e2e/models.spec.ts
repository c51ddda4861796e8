import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';

const SELFTEST = resolve(import.meta.dirname, '../public/models/selftest');
const FILES = [
  ['transformer', 'transformer.safetensors'],
  ['config', 'transformer_config.json'],
  ['text_encoder', 'text_encoder.safetensors'],
  ['config', 'text_encoder_config.json'],
  ['vae', 'vae.safetensors'],
  ['config', 'vae_config.json'],
  ['tokenizer', 'tokenizer.json'],
] as const;

/** A mirror on 127.0.0.1 with range support whose first long read of the transformer drops mid-way. */
function startMirror(): Promise<{ server: Server; url: string; drops: () => number }> {
  let drops = 0;
  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'range');
    res.setHeader('access-control-expose-headers', 'content-range, content-length, accept-ranges, etag');
    if (req.method === 'OPTIONS') return void res.end();
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    const { port } = server.address() as AddressInfo;
    if (name === 'catalog.json') {
      const files = FILES.map(([role, n]) => {
        const bytes = readFileSync(resolve(SELFTEST, n));
        return { role, name: n, url: `http://127.0.0.1:${port}/${n}`, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
      });
      res.setHeader('content-type', 'application/json');
      return void res.end(
        JSON.stringify({
          version: 1,
          sets: [{ id: 'mirror-test', label: 'Mirror test set', description: 'served by the e2e test', source: 'download', files, capabilities: { guidance: false, omni: false, defaultSteps: 8, maxTokens: 512 } }],
        }),
      );
    }
    if (!FILES.some(([, n]) => n === name)) {
      res.statusCode = 404;
      return void res.end();
    }
    const body = readFileSync(resolve(SELFTEST, name));
    const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('content-length', String(end - start + 1));
    if (m) {
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${end}/${body.length}`);
    }
    const slice = body.subarray(start, end + 1);
    if (name === 'transformer.safetensors' && slice.length > 1000 && drops === 0) {
      drops++;
      res.write(slice.subarray(0, slice.length >> 1), () => res.destroy()); // the connection drops mid-file
      return;
    }
    res.end(slice);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, drops: () => drops })));
}

test('models: import a file, reject a corrupt one without losing stored sets, download a set that drops mid-way', async ({ page }, info) => {
  await page.goto('./#models');
  await expect(page.getByRole('heading', { name: 'Model sets' })).toBeVisible();

  // Import a real model file from disk.
  await page.getByLabel('Import model files').setInputFiles(resolve(SELFTEST, 'vae.safetensors'));
  const sets = page.getByRole('list').filter({ has: page.getByRole('heading', { name: /self-test/i }) });
  await expect(sets.getByRole('heading', { name: /vae/i })).toBeVisible({ timeout: 60_000 });

  // A corrupt file: a clear error, and what was stored stays.
  const bad = resolve(tmpdir(), 'corrupt-model.safetensors');
  writeFileSync(bad, Buffer.concat([Buffer.from([200, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"x": not json')]));
  await page.getByLabel('Import model files').setInputFiles(bad);
  await expect(page.getByText(/Import failed/)).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-error-code="bad-model-file"], .message.error').first()).toContainText(/corrupt-model\.safetensors|safetensors|header/i);
  await expect(sets.getByRole('heading', { name: /vae/i })).toBeVisible();

  // A mirror catalog whose download drops mid-file: it resumes and verifies.
  const mirror = await startMirror();
  try {
    await page.getByLabel('Source URL').fill(`${mirror.url}catalog.json`);
    await page.getByRole('button', { name: 'Add source' }).click();
    await expect(page.getByRole('heading', { name: 'Mirror test set' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Download Mirror test set' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Mirror test set' }) });
    await expect(card.getByText(/Verified|Ready/i).first()).toBeVisible({ timeout: 120_000 });
    expect(mirror.drops()).toBe(1);
    await info.attach('models', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  } finally {
    mirror.server.close();
  }
});
