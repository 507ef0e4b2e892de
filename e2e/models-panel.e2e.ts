/**
 * The Models panel in the browser (serve mode): the offer shows size, licence and the model card before
 * anything starts; Download and install fetches small checkpoints with the official layout from a
 * 127.0.0.1 server (serve's test options --models-url/--models-templates), converts them, lists the new
 * model in use and the engine loads it; Remove deletes it and goes back to the built-in model.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { importFixturesDir } from '../test-support/paths.ts';
import { launchBrowser, newEditorPage } from './support/browser.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

const fx = importFixturesDir();
let server: http.Server;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
const served: string[] = [];

before(async () => {
  const files: Record<string, Buffer> = {
    '/base_inpaint.pt': readFileSync(path.join(fx, 'src/base_inpaint.pt')),
    '/upsample_inpaint.pt': readFileSync(path.join(fx, 'src/upsample_inpaint.pt')),
  };
  server = http.createServer((req, res) => {
    const data = files[req.url!];
    served.push(`${req.method} ${req.url}`);
    if (!data) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': String(data.length), 'Content-MD5': createHash('md5').update(data).digest('base64') });
    res.end(req.method === 'HEAD' ? undefined : data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  serve = await startServe(null, 120_000, undefined, ['--models-url', url, '--models-templates', path.join(fx, 'templates')]);
  browser = await launchBrowser();
  ({ page } = await newEditorPage(browser, serve.url));
});
after(async () => {
  await browser?.close();
  await serve?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

test('the offer shows sizes, licence and the model card before anything starts', async () => {
  const panel = page.getByRole('region', { name: 'Models' });
  await panel.getByRole('listitem').first().waitFor();
  await assert.doesNotReject(panel.getByText('in use').first().waitFor());
  await panel.getByRole('button', { name: 'Get OpenAI GLIDE (filtered)…' }).click();
  const offer = panel.getByRole('group', { name: 'Get OpenAI GLIDE (filtered)' });
  await offer.waitFor();
  const text = (await offer.textContent()) ?? '';
  assert.match(text, /Licence: MIT/);
  assert.match(text, /Intended use\./);
  assert.match(text, /Limitations\./);
  assert.match(text, /Base model only \(about [\d.]+ MB to download\)/);
  assert.match(text, /Base model \+ upsampler/);
  assert.deepEqual(served, [], 'nothing was fetched yet');
  assert.match((await panel.textContent()) ?? '', /need the desktop app/);
});

test('Download and install: progress, then the new model is listed, in use and loaded; Remove goes back', async () => {
  const panel = page.getByRole('region', { name: 'Models' });
  await panel.getByRole('radio', { name: /Base model only/ }).check();
  await panel.getByRole('button', { name: 'Download and install' }).click();
  const item = panel.getByRole('listitem', { name: 'GLIDE (filtered) inpainting, OpenAI (base only)' });
  await item.waitFor({ timeout: 120_000 });
  await item.getByText('in use').waitFor();
  assert.match((await item.textContent()) ?? '', /base · \d+ MB · MIT/);
  await page.getByText(/^Ready:/).waitFor({ timeout: 120_000 });
  assert.ok(served.includes('GET /base_inpaint.pt') && !served.includes('GET /upsample_inpaint.pt'));

  page.once('dialog', (d) => void d.accept());
  await item.getByRole('button', { name: 'Remove' }).click();
  await item.waitFor({ state: 'detached' });
  await panel.getByText('in use').first().waitFor();
});
