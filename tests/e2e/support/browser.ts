// Chromium for the browser tests: Debian's package driven by playwright-core (Playwright's own
// browser downloads cannot be fetched here). Without a Chromium the tests are skipped, loudly;
// with QINGFENG_E2E=1 (set by .ci/run) or QINGFENG_REQUIRE_BROWSER=1 a missing Chromium is a failure.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** CHROMIUM_PATH when set (and only it), otherwise the usual Debian/Ubuntu paths. */
export function findChromium(): string | null {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CANDIDATES;
  for (const path of candidates) if (existsSync(path)) return path;
  return null;
}

export const chromiumPath = findChromium();
export const requireBrowser = process.env.QINGFENG_E2E === '1' || process.env.QINGFENG_REQUIRE_BROWSER === '1';

if (!chromiumPath) {
  const message =
    `[browser tests] No Chromium found (looked at ${process.env.CHROMIUM_PATH ?? CANDIDATES.join(', ')}). ` +
    'Install it with `apt-get install -y chromium fonts-wqy-microhei` or set CHROMIUM_PATH.';
  if (requireBrowser) throw new Error(`${message} The browser tests are required here (QINGFENG_E2E=1), so this is a failure.`);
  console.warn(`\n${message}\nThe browser tests are SKIPPED.\n`);
}

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumPath) throw new Error('no Chromium');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--lang=zh-CN', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const SHOTS_DIR = process.env.QINGFENG_SHOTS_DIR ?? '/tmp/qf-shots';

/** A full-page screenshot under SHOTS_DIR, for people to look at. */
export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
}
