/** Debian's Chromium driven by playwright-core (never a downloaded browser build). */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A fresh page that records what the window said (alerts, console errors) for failure messages. */
export async function newEditorPage(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page; log: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') log.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.getByText(/^Ready:/).waitFor({ timeout: 120_000 });
  return { context, page, log };
}
