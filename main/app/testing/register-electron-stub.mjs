/**
 * `node --import` this to run the built main bundle under plain Node with 'electron' resolved to
 * the stub beside it (the shell's wiring test, where no Electron binary exists).
 */
import { register } from 'node:module';

register('./electron-stub-hooks.mjs', import.meta.url);
