import { expect, test } from '@playwright/test';
import { GENERATE_TIMEOUT, generate, setSettings } from './studio.ts';

test('edit: paint a mask, type an instruction, apply; pixels outside the mask stay, inside they change', async ({ page }, info) => {
  await page.goto('./');
  await setSettings(page, { size: 256, steps: 2, seed: 99 });
  await generate(page, 'a quiet lake at dawn');
  await page.getByRole('button', { name: 'Send to editor' }).click();
  await expect(page.getByRole('tab', { name: /Edit/ })).toHaveAttribute('aria-selected', 'true');

  // Paint a band across the middle of the image.
  await expect(page.getByTestId('mask-canvas')).toBeVisible();
  const img = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="mask-canvas"] canvas') as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height };
  });
  expect(img.w).toBeGreaterThan(50);
  const y = img.y + img.h / 2;
  await page.mouse.move(img.x + img.w * 0.25, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(img.x + img.w * (0.25 + 0.05 * i), y);
  await page.mouse.up();
  await expect(page.getByTestId('mask-coverage')).toContainText('The mask covers');

  await page.getByLabel('Edit instruction').fill('turn the water gold');
  await page.getByRole('button', { name: /^Apply edit/ }).click();
  const after = page.getByRole('img', { name: 'After edit: turn the water gold' });
  await expect(after).toBeVisible({ timeout: GENERATE_TIMEOUT });
  await info.attach('edit result', { body: await page.screenshot(), contentType: 'image/png' });

  const diff = await page.evaluate(() => {
    const read = (label: string) => {
      const c = document.querySelector(`canvas[aria-label="${label}"]`) as HTMLCanvasElement;
      return { w: c.width, h: c.height, d: c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data };
    };
    const a = read('Before edit');
    const b = read('After edit: turn the water gold');
    let outsideChanged = 0;
    let insideChanged = 0;
    const changed = (i: number) => a.d[i] !== b.d[i] || a.d[i + 1] !== b.d[i + 1] || a.d[i + 2] !== b.d[i + 2];
    for (let yy = 0; yy < a.h; yy++)
      for (let xx = 0; xx < a.w; xx++) {
        const i = (yy * a.w + xx) * 4;
        const far = Math.abs(yy - a.h / 2) > a.h * 0.3; // well away from the painted band
        const core = Math.abs(yy - a.h / 2) < 3 && xx > a.w * 0.35 && xx < a.w * 0.65;
        if (far && changed(i)) outsideChanged++;
        if (core && changed(i)) insideChanged++;
      }
    return { same: a.w === b.w && a.h === b.h, outsideChanged, insideChanged };
  });
  expect(diff.same).toBe(true);
  expect(diff.outsideChanged, 'pixels outside the mask must not change').toBe(0);
  expect(diff.insideChanged, 'pixels inside the mask must change').toBeGreaterThan(0);
});
