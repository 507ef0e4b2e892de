/**
 * What "Get OpenAI GLIDE (filtered)" offers: the two choices with their download sizes, the licence and
 * the model card's intended use and limitations, shown before anything starts. Names, addresses and
 * licence come from the shipped graph templates (models/glide/official.py wrote them), sizes from the
 * parameter counts (float32 checkpoints).
 */
import type { OfficialOffer, OfficialVariant } from '../../contract.ts';
import type { TemplateSet } from '../../engine/checkpoint/templates.ts';

/** Paraphrased from the model card in openai/glide-text2im (model-card.md). */
const INTENDED_USE =
  'OpenAI released GLIDE (filtered) for research: to study text-conditional image generation and editing, its ' +
  'capabilities and its limits. Using it to edit your own photos creatively fits that; it is not meant for ' +
  'making realistic images of real people or events, or images meant to deceive.';
const LIMITATIONS =
  'The training data was filtered to remove images of people, violent and hateful imagery, so the model is ' +
  'poor at people and some subjects, and it can still reproduce biases and stereotypes of its data. It works at ' +
  '64 px (256 px with the upsampler): edits are soft, and a large photo is edited in a small crop then scaled. ' +
  'Its output is not factual and can be wrong or odd.';

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
