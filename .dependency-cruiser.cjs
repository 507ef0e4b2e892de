/**
 * The layer rules, checked by `npm run lint:layers` (part of `npm test`). Each part of the app and
 * what it may import is in the README's layer table. Paths are relative to the repository root.
 * TypeScript is parsed with swc (dependency-cruiser does not support TypeScript 7's compiler); type-only
 * imports count like any other.
 */
const TEST = '\\.(test|e2e)\\.tsx?$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'No import cycles: a module and what it imports never import each other back, however long the loop.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-stays-alone',
      comment:
        'The engine (main/engine/) runs in its own process on plain Node: it never imports Electron, the app shell (main/app/), the host (main/host/), serve mode, the preload or the renderer.',
      severity: 'error',
      from: { path: '^main/engine/' },
      to: { path: ['^main/app/', '^main/host/', '^serve/', '^preload/', '^renderer/', '^electron$', '^node_modules/electron/'] },
    },
    {
      name: 'engine-not-its-parent',
      comment: 'Engine code never imports the engine host (its parent); only the engine tests and benchmarks drive the engine through it.',
      severity: 'error',
      from: { path: '^main/engine/', pathNot: [TEST, '^main/engine/bench/'] },
      to: { path: '^main/engine-host/' },
    },
    {
      name: 'renderer-only-contract',
      comment:
        'The renderer reaches its host only through the contract: of main/ it imports main/contract.ts alone; never serve/, the preload or Electron.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: ['^main/', '^serve/', '^preload/', '^electron$', '^node_modules/electron/'], pathNot: '^main/contract\\.ts$' },
    },
    {
      name: 'renderer-no-node',
      comment: "The renderer runs in a sandboxed page: no Node built-ins (its tests, which run in Node, may).",
      severity: 'error',
      from: { path: '^renderer/', pathNot: [TEST, '^renderer/vite\\.config\\.ts$'] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-not-shell',
      comment: 'The preload imports the contract and wire/ only: never the app shell (main/app/), the host, the engine, serve mode or the renderer.',
      severity: 'error',
      from: { path: '^preload/' },
      to: { path: ['^main/app/', '^main/host/', '^main/engine/', '^main/engine-host/', '^serve/', '^renderer/'] },
    },
    {
      name: 'host-without-electron',
      comment: 'The host (main/host/) is shared by the Electron shell and serve mode: no Electron, no app shell, no serve/, no renderer.',
      severity: 'error',
      from: { path: '^main/host/' },
      to: { path: ['^main/app/', '^serve/', '^preload/', '^renderer/', '^electron$', '^node_modules/electron/'] },
    },
    {
      name: 'engine-host-without-electron',
      comment: 'The engine host runs under Electron and serve mode alike: no Electron, no app shell, no host, no serve/, no renderer.',
      severity: 'error',
      from: { path: '^main/engine-host/' },
      to: { path: ['^main/app/', '^main/host/', '^serve/', '^preload/', '^renderer/', '^electron$', '^node_modules/electron/'] },
    },
    {
      name: 'serve-without-electron',
      comment: 'Serve mode is the editor without Electron: no Electron, no app shell, no preload, no renderer code (it serves the built files).',
      severity: 'error',
      from: { path: '^serve/' },
      to: { path: ['^main/app/', '^preload/', '^renderer/', '^electron$', '^node_modules/electron/'] },
    },
    {
      name: 'shared-stays-shared',
      comment:
        'What both sides import (main/contract.ts, main/engine/protocol.ts, main/mask-ops.ts, wire/) imports nothing of either side: only zod, each other and the contract.',
      severity: 'error',
      from: { path: ['^main/contract\\.ts$', '^main/engine/protocol\\.ts$', '^main/mask-ops\\.ts$', '^wire/'], pathNot: TEST },
      to: {
        path: ['^main/', '^renderer/', '^preload/', '^serve/', '^electron$', '^node_modules/electron/'],
        pathNot: ['^main/contract\\.ts$', '^main/engine/protocol\\.ts$', '^main/mask-ops\\.ts$'],
      },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^release/', '^\\.work/'] },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.d.ts'] },
  },
};
