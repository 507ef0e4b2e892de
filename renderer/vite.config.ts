/**
 * Builds the renderer into dist/renderer. base './' so the same build loads from serve mode's
 * http://127.0.0.1 and from the Electron shell's custom protocol.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    // No inline module-preload polyfill: the CSP allows only our own script files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 1000, // one window, loaded from disk or localhost: splitting buys nothing
  },
});
