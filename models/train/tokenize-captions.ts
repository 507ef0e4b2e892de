/**
 * Tokenizes captions with the engine's own tokenizer, so training sees exactly the ids the app sends.
 * stdin: {"textCtx": n, "captions": [...]}; stdout: {"<caption>": {"tokens": [...], "mask": [...]}, ...}
 */
import { readFileSync } from 'node:fs';
import { tokenizePrompt } from '../../main/engine/tokenizer.ts';

const { textCtx, captions } = JSON.parse(readFileSync(0, 'utf8')) as { textCtx: number; captions: string[] };
const table: Record<string, { tokens: number[]; mask: boolean[] }> = {};
for (const caption of captions) table[caption] = tokenizePrompt(caption, textCtx);
process.stdout.write(JSON.stringify(table));
