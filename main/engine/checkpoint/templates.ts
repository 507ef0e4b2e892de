/**
 * `templates.json` of a graph-template set (written by models/glide/graph_templates.py): per stage, the
 * checkpoint file, its keys and shapes, the bundle's stage entry, and for each graph which template
 * initializer is filled from which key and how. The official set ships in models/official-templates/.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { StageSchema } from '../bundle/schema.ts';

const fileName = z.string().regex(/^[A-Za-z0-9._-]+$/);

const GraphTemplateSchema = z.object({
  file: fileName,
  template: fileName,
  weights: z.record(z.string(), z.object({ key: z.string(), transform: z.enum(['identity', 'transpose']) })),
});

const StageTemplateSchema = z.object({
  checkpoint: fileName,
  keys: z.record(z.string(), z.array(z.number().int().nonnegative())),
  entry: StageSchema,
  graphs: z.object({ textEncoder: GraphTemplateSchema, denoiser: GraphTemplateSchema }),
});

export const TemplateSetSchema = z.object({
  format: z.literal('glide-graph-templates'),
  formatVersion: z.literal(1),
  /** Where the checkpoints are published (the stages' `checkpoint` file names follow it). */
  baseUrl: z.string().url(),
  name: z.string(),
  description: z.string(),
  descriptionBaseOnly: z.string(),
  defaults: z.record(z.string(), z.unknown()),
  license: z.object({ name: z.string(), text: z.string() }),
  stages: z.object({ base: StageTemplateSchema, upsampler: StageTemplateSchema.optional() }),
});

export type TemplateSet = z.infer<typeof TemplateSetSchema>;
export type StageTemplate = z.infer<typeof StageTemplateSchema>;
export type GraphTemplate = z.infer<typeof GraphTemplateSchema>;

export const TEMPLATES_FILE = 'templates.json';

/** models/official-templates in a checkout; a packaged app passes its resources folder instead. */
export const OFFICIAL_TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models/official-templates');

export async function readTemplateSet(dir: string): Promise<TemplateSet> {
  const file = path.join(dir, TEMPLATES_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`The graph templates are missing or damaged (${file}: ${(e as Error).message}); reinstall the app.`, { cause: e });
  }
  const parsed = TemplateSetSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`The graph templates in ${dir} are not valid: ${parsed.error.issues[0]?.message}; reinstall the app.`);
  return parsed.data;
}
