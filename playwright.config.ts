import { defineConfig } from '@playwright/test';
import { BROWSER_ARGS, resolveBrowser } from './tools/browser.ts';

// e2e runs against the production build (`vite build` first), served by `vite preview`.
const PORT = Number(process.env.E2E_PORT ?? 4173); // E2E_PORT: run two suites side by side

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    screenshot: 'on',
    // The interface follows the browser's language at first visit: specs run in English unless they ask otherwise.
    locale: 'en-US',
    launchOptions: { executablePath: resolveBrowser(), args: BROWSER_ARGS },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
