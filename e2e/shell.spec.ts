import { expect, test } from '@playwright/test';

test('the studio page loads and finds a WebGPU adapter', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'Z-Image Studio' })).toBeVisible();
  await expect(page.getByTestId('adapter')).toBeVisible();
  await expect(page.getByTestId('adapter')).not.toHaveText('');
});

test('a browser without WebGPU gets a clear message, not a blank page', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.goto('./');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('WebGPU is not available');
  await expect(alert.locator('[data-error-code="webgpu-unavailable"]')).toBeVisible();
});
