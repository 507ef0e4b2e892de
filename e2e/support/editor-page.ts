/**
 * What a person does in the editor, as steps for the tests: open a photo with the file input, drag
 * the brush over photo coordinates (converted with the same fit the canvas uses), type, run, accept,
 * export through a download.
 */
import type { Download, Page } from 'playwright-core';
import { fitView } from '../../renderer/canvas/viewport.ts';

export class EditorPage {
  private imageSize = { width: 0, height: 0 };

  constructor(readonly page: Page) {}

  async openPhoto(file: string, size: { width: number; height: number }): Promise<void> {
    await this.page.setInputFiles('input[aria-label="Photo file"]', file);
    await this.page.getByText(`${size.width}×${size.height}`).waitFor({ timeout: 120_000 });
    // As a person would: paint once the photo is drawn (the canvas is aria-busy until then, and the tools
    // wait: EditorCanvas.hasDocument).
    await this.page.waitForSelector('[data-testid="canvas"][aria-busy="false"]', { timeout: 120_000 });
    this.imageSize = size;
    await this.page.getByRole('button', { name: 'Fit' }).click();
  }

  /** For callers that open the photo themselves (the benchmark times it). */
  setImageSize(size: { width: number; height: number }): void {
    this.imageSize = size;
  }

  /** Screen position of a photo pixel while the photo is fitted (as after opening or pressing Fit). */
  async screenPoint(x: number, y: number): Promise<{ x: number; y: number }> {
    const box = (await this.page.getByTestId('canvas').boundingBox())!;
    const view = fitView(this.imageSize, { width: box.width, height: box.height });
    return { x: box.x + view.x + x * view.scale, y: box.y + view.y + y * view.scale };
  }

  /** Drags the brush through photo-pixel points with the mouse, in small steps like a hand would. */
  async drag(points: [number, number][]): Promise<void> {
    const mouse = this.page.mouse;
    const first = await this.screenPoint(...points[0]);
    await mouse.move(first.x, first.y);
    await mouse.down();
    for (const p of points.slice(1)) {
      const s = await this.screenPoint(...p);
      await mouse.move(s.x, s.y, { steps: 8 });
    }
    await mouse.up();
  }

  async setBrushSize(size: number): Promise<void> {
    await this.page.getByRole('slider').first().fill(String(size));
    const shown = await this.page.getByLabel('Brush size').textContent();
    if (shown !== String(size)) throw new Error(`the brush size slider shows ${shown}, not ${size}`);
  }

  async prompt(text: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Prompt' }).fill(text);
  }

  async runSettings(s: { steps?: number; candidates?: number; seed?: number }): Promise<void> {
    if (s.steps !== undefined) await this.page.getByLabel('Steps').fill(String(s.steps));
    if (s.candidates !== undefined) await this.page.getByLabel('Candidates').fill(String(s.candidates));
    if (s.seed !== undefined) {
      await this.page.getByLabel('Seed mode').selectOption('fixed');
      await this.page.getByLabel('Seed', { exact: true }).fill(String(s.seed));
    }
  }

  /** Clicks Run (Fill for an empty prompt) and returns every progress label seen until the candidates appear. */
  async runAndWatch(timeoutMs = 300_000, button: 'Run' | 'Fill' = 'Run'): Promise<string[]> {
    // Every progress label the page shows, recorded in the page as it changes: a label shown for less
    // than one poll (the cascade's base steps take ~0.1 s) is seen too.
    // (A string: tsx would wrap named functions in a helper the page does not have.)
    await this.page.evaluate(`(() => {
      const seen = (window.__progressSeen = []);
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[role="status"]')) {
          const text = el.textContent || '';
          if (/step|Starting|Preparing/.test(text) && seen[seen.length - 1] !== text) seen.push(text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await this.page.getByRole('region', { name: 'Prompt' }).getByRole('button', { name: button, exact: true }).click();
    const seen: string[] = [];
    const recorded = () => this.page.evaluate(() => (window as unknown as { __progressSeen?: string[] }).__progressSeen ?? []);
    const status = this.page.getByRole('status').filter({ hasText: /step|Starting|Preparing/ });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.page.getByRole('button', { name: 'Accept' }).isVisible()) {
        for (const text of await recorded()) if (!seen.includes(text)) seen.push(text);
        return seen;
      }
      const text = await status.first().textContent({ timeout: 100 }).catch(() => null);
      if (text && seen.at(-1) !== text) seen.push(text);
      const alert = await this.page.getByRole('alert').first().textContent({ timeout: 50 }).catch(() => null);
      if (alert) throw new Error(`the run failed: ${alert}`);
      await this.page.waitForTimeout(50);
    }
    throw new Error(`no candidates after ${timeoutMs} ms; progress seen: ${seen.join(' | ')}`);
  }

  async exportAs(format: 'PNG' | 'JPEG' | 'WebP'): Promise<Download> {
    await this.page.getByLabel('Export format').selectOption({ label: format });
    const download = this.page.waitForEvent('download', { timeout: 120_000 });
    await this.page.getByRole('button', { name: 'Export' }).click();
    return download;
  }

  historyLabels(): Promise<string[]> {
    return this.page.getByRole('region', { name: 'History' }).getByRole('button').allTextContents();
  }

  currentHistoryEntry(): Promise<string | null> {
    return this.page.getByRole('region', { name: 'History' }).locator('button.current').textContent();
  }

  alerts(): Promise<string[]> {
    return this.page.getByRole('alert').allTextContents();
  }
}
