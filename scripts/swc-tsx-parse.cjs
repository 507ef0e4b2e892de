/**
 * Preloaded by `npm run lint:layers` (node --require) before dependency-cruiser, whose swc parser
 * never sets swc's `tsx` flag, so the renderer's .tsx panels would not parse. Here .tsx files are
 * parsed as TSX; everything else as before.
 */
const swc = require('@swc/core');

const parseFileSync = swc.parseFileSync;
swc.parseFileSync = function parseFileSyncWithTsx(file, options) {
  const tsx = typeof file === 'string' && file.endsWith('.tsx') && options?.syntax === 'typescript';
  return parseFileSync(file, tsx ? { ...options, tsx: true } : options);
};
