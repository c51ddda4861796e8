// Which Chromium runs the GPU tests, the golden runner, the bench and the e2e suite, and with what flags.
// Order: $CHROME_PATH, Playwright's own Chromium if installed, then a system Chromium or Chrome.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const HOW_TO_GET_A_BROWSER =
  'No Chromium found: set CHROME_PATH to a Chrome/Chromium 121+ binary, or install one (Debian/Ubuntu: `sudo apt-get install chromium`).';

export function resolveBrowser(): string {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist. ${HOW_TO_GET_A_BROWSER}`);
    return fromEnv;
  }
  let bundled: string;
  try {
    bundled = chromium.executablePath();
  } catch {
    bundled = '';
  }
  for (const candidate of [bundled, ...SYSTEM_BROWSERS]) if (candidate && existsSync(candidate)) return candidate;
  throw new Error(HOW_TO_GET_A_BROWSER);
}

/** Flags that give a real WebGPU adapter headless (SwiftShader where there is no GPU) on a closed network. */
export const BROWSER_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
