// Page helpers for the e2e suite: drive the studio the way a person does, by accessible names.
import { expect, type Page } from '@playwright/test';

export const GENERATE_TIMEOUT = 240_000; // SwiftShader runs WebGPU on the CPU

export async function setSettings(page: Page, s: { size?: number; steps?: number; seed?: number }): Promise<void> {
  const form = page.getByRole('form', { name: 'Generation settings' });
  if (s.size) {
    for (const side of ['Width', 'Height']) {
      const input = form.getByLabel(side, { exact: true });
      await input.fill(String(s.size));
      await input.blur(); // commits (snaps to a multiple of 16)
    }
  }
  if (s.steps) await form.getByLabel('Steps', { exact: true }).fill(String(s.steps));
  if (s.seed !== undefined) {
    await form.getByLabel('Seed', { exact: true }).fill(String(s.seed));
    await expect(form.getByLabel('Random')).not.toBeChecked();
  }
}

/**
 * Generates one image and returns a hash of its decoded pixels. Generate only queues (the button stays enabled), so
 * this waits for the gallery to hold one more image and for the queue to be empty.
 */
export async function generate(page: Page, prompt: string): Promise<string> {
  const thumbs = page.getByRole('list', { name: 'Gallery images' }).getByRole('listitem');
  const before = await thumbs.count();
  await page.getByLabel('Prompt', { exact: true }).fill(prompt);
  await page.getByRole('button', { name: /^Generate/ }).click();
  await expect(thumbs).toHaveCount(before + 1, { timeout: GENERATE_TIMEOUT });
  await expect(page.getByRole('list', { name: 'Queued jobs' })).toHaveCount(0, { timeout: GENERATE_TIMEOUT });
  const img = page.getByRole('img', { name: `Generated image: ${prompt}` });
  await expect(img).toBeVisible({ timeout: GENERATE_TIMEOUT });
  return pixelHash(page, `img[alt="Generated image: ${prompt}"]`);
}

export async function pixelHash(page: Page, selector: string): Promise<string> {
  return page.evaluate(async (sel) => {
    const el = document.querySelector(sel) as HTMLImageElement | HTMLCanvasElement;
    let canvas: HTMLCanvasElement;
    if (el instanceof HTMLImageElement) {
      await el.decode();
      canvas = document.createElement('canvas');
      canvas.width = el.naturalWidth;
      canvas.height = el.naturalHeight;
      canvas.getContext('2d')!.drawImage(el, 0, 0);
    } else canvas = el;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const digest = await crypto.subtle.digest('SHA-256', data);
    return `${canvas.width}x${canvas.height}:` + Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  }, selector);
}

/** Waits until the service worker controls the page, so a reload can be served offline. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 30_000 }).toBe(true);
}
