import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { BROWSER_ARGS, resolveBrowser } from './tools/browser.ts';

// The GPU project needs a browser; the Node project does not, so only a GPU run fails when none is found.
function browserPath(): string {
  try {
    return resolveBrowser();
  } catch (err) {
    if (process.argv.includes('gpu')) {
      console.error((err as Error).message);
      process.exit(1);
    }
    return '/nonexistent-browser';
  }
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/gpu/**', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.gpu.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            // Parallel runs (several checkouts) each pick a free port.
            api: { port: Number(process.env.VITEST_BROWSER_PORT ?? 63315), strictPort: false },
            instances: [{ browser: 'chromium' }],
            provider: playwright({ launchOptions: { executablePath: browserPath(), args: BROWSER_ARGS } }),
          },
        },
      },
    ],
  },
});
