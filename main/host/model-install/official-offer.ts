/**
 * What "Get OpenAI GLIDE (filtered)" offers: the two choices with their download sizes, the licence and
 * the model card's intended use and limitations, shown before anything starts. Names, addresses and
 * licence come from the shipped graph templates (models/glide/official.py wrote them), sizes from the
 * parameter counts (float32 checkpoints).
 */
import type { OfficialOffer, OfficialVariant } from '../../contract.ts';
import type { TemplateSet } from '../../engine/checkpoint/templates.ts';

/**
 * Paraphrased (not quoted) from OpenAI's model card for GLIDE (filtered),
 * https://github.com/openai/glide-text2im/blob/main/model-card.md (its Intended Use, Datasets, Performance and
 * Limitations sections); the licence shown beside them is templates.json's (models/glide/official.py).
 */
const INTENDED_USE =
  'OpenAI released these models to help research in generative modelling. For research they name two tasks: making ' +
  'images from text, and editing and refining images step by step by inpainting (what this editor does). Because of ' +
  "the model's limitations and biases OpenAI does not currently recommend it for commercial use, and it is explicitly " +
  'not meant to make images of people or of the other subjects its training data was filtered for.';
const LIMITATIONS =
  'The training data (about 67 million text-image pairs from the internet) was filtered to remove images of people, ' +
  'violent objects and some hate symbols, which limits what the model knows, above all about people. It is a small ' +
  'model: its images often look only semi-realistic, it struggles to bind attributes to the right objects or to ' +
  'compose several objects, and it can fail on complex prompts or on concepts rare in its data. It still shows ' +
  'biases, for example towards Western-centric concepts, and classifier-free guidance can amplify them. ' +
  '(In this editor it works at 64 px, or 256 px with the upsampler, so a large photo is edited in a small crop ' +
  'that is scaled back.)';

export function officialCheckpoints(templates: TemplateSet, variant: OfficialVariant): { stage: 'base' | 'upsampler'; file: string; url: string }[] {
  const stages = variant === 'pair' && templates.stages.upsampler ? (['base', 'upsampler'] as const) : (['base'] as const);
  return stages.map((stage) => {
    const file = templates.stages[stage]!.checkpoint;
    return { stage, file, url: `${templates.baseUrl}/${file}` };
  });
}

export function officialOffer(templates: TemplateSet): OfficialOffer {
  const bytes = (stage: 'base' | 'upsampler') => (templates.stages[stage]?.entry.parameters ?? 0) * 4;
  const variants: OfficialOffer['variants'] = [
    {
      id: 'base',
      label: 'Base model only',
      downloadBytes: bytes('base'),
      detail: '64-px edits; much faster on a CPU. The upsampler can be added later by getting both.',
    },
  ];
  if (templates.stages.upsampler) {
    variants.push({
      id: 'pair',
      label: 'Base model + upsampler',
      downloadBytes: bytes('base') + bytes('upsampler'),
      detail: '256-px edits; each edit takes several times longer on a CPU.',
    });
  }
  return { name: templates.name, source: templates.baseUrl, variants, license: templates.license, intendedUse: INTENDED_USE, limitations: LIMITATIONS };
}
