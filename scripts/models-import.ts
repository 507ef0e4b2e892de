/**
 * `npm run models:import -- <folder with base_inpaint.pt [and upsample_inpaint.pt]> [--out DIR] [--fp16]`
 *
 * Converts OpenAI's GLIDE (filtered) inpainting checkpoints into a model bundle with the app's own
 * TypeScript converter (main/engine/checkpoint/): no Python, and the checkpoints' pickles are read by a
 * restricted unpickler that builds tensors and nothing else. A base-only folder gives a base-only bundle.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CheckpointError } from '../main/engine/checkpoint/checkpoint-error.ts';
import { importCheckpoints } from '../main/engine/checkpoint/import-checkpoints.ts';
import { OFFICIAL_TEMPLATES_DIR } from '../main/engine/checkpoint/templates.ts';

const USAGE = 'usage: npm run models:import -- <folder with base_inpaint.pt [and upsample_inpaint.pt]> [--out DIR] [--fp16]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        fp16: { type: 'boolean', default: false },
        // Tests: the templates of a small model with the official layout.
        templates: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help || args.positionals.length !== 1) {
    console.error(USAGE);
    return args.values.help ? 0 : 2;
  }
  const sourceDir = path.resolve(args.positionals[0]);
  const outDir = path.resolve(args.values.out ?? path.join(sourceDir, 'glide-inpaint-bundle'));
  let lastPrint = 0;
  try {
    const result = await importCheckpoints({
      sourceDir,
      outDir,
      templatesDir: args.values.templates ? path.resolve(args.values.templates) : OFFICIAL_TEMPLATES_DIR,
      fp16: args.values.fp16,
      onProgress: (p) => {
        const now = Date.now();
        if (p.phase === 'checking') console.error(`checking ${p.file}`);
        else if (p.phase === 'writing' && now - lastPrint > 1000) {
          lastPrint = now;
          console.error(`writing ${p.file}: ${(p.bytesDone / 1e6).toFixed(0)} / ${(p.bytesTotal / 1e6).toFixed(0)} MB`);
        }
      },
    });
    console.log(
      `bundle written to ${result.outDir} (${result.stages.join(' + ')}, ${(result.bytes / 1e9).toFixed(2)} GB${args.values.fp16 ? ', fp16 weights' : ''}) in ${result.seconds.toFixed(1)} s`,
    );
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof CheckpointError ? e.message : (e as Error).message}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
