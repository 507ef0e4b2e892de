/**
 * GLIDE's text tokenizer: GPT-2 byte-level BPE (the r50k_base ranks), prompt lowercased,
 * truncated to textCtx tokens, padded with the end token, plus a mask of real tokens.
 */
import { encode } from 'gpt-tokenizer/encoding/r50k_base';

export const GLIDE_VOCAB_SIZE = 50257;
/** <|endoftext|>; GLIDE pads with it. */
export const GLIDE_END_TOKEN = 50256;

/** Longest GPT-2 token, in UTF-16 code units (" ===...=" of 66 chars; checked in the test). */
export const MAX_TOKEN_CHARS = 66;

/**
 * Characters kept before encoding. BPE on one long run of letters costs quadratic time
 * (100k letters take seconds), so absurd prompts are cut first. The cut cannot change the
 * first textCtx tokens: GPT-2 first splits text into words, digit runs, punctuation runs
 * and whitespace runs, and never merges across them, so only the piece containing the cut
 * is affected; every token spans at most MAX_TOKEN_CHARS characters, so the first textCtx
 * tokens end before textCtx*MAX_TOKEN_CHARS, and the 4096-character margin keeps them clear
 * of the cut even inside one long run (BPE merges there stay local; the test checks such runs).
 */
export function promptCharLimit(textCtx: number): number {
  return textCtx * MAX_TOKEN_CHARS + 4096;
}

/** BPE tokens of the lowercased prompt (not truncated to textCtx; `raw_tokens` in the reference). */
export function encodePrompt(prompt: string, textCtx: number): number[] {
  let text = prompt;
  const limit = promptCharLimit(textCtx);
  if (text.length > limit) {
    let end = limit;
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1; // don't split a surrogate pair
    text = text.slice(0, end);
  }
  // GLIDE's encoder has no special tokens: a literal "<|endoftext|>" in a prompt is plain text.
  return encode(text.toLowerCase(), { disallowedSpecial: new Set() });
}

export interface PromptTokens {
  /** textCtx token ids, padded with GLIDE_END_TOKEN. */
  tokens: number[];
  /** true where tokens holds a real prompt token. */
  mask: boolean[];
}

export function tokenizePrompt(prompt: string, textCtx: number): PromptTokens {
  if (!Number.isInteger(textCtx) || textCtx <= 0) throw new Error(`textCtx must be a positive integer, got ${textCtx}`);
  const raw = encodePrompt(prompt, textCtx).slice(0, textCtx);
  const tokens = raw.concat(new Array<number>(textCtx - raw.length).fill(GLIDE_END_TOKEN));
  const mask = tokens.map((_, i) => i < raw.length);
  return { tokens, mask };
}

export interface TokenBatch {
  /** [prompts.length, textCtx] int64 ids, row-major, ready for an onnxruntime 'int64' tensor. */
  tokens: BigInt64Array;
  /** [prompts.length, textCtx] 1/0, ready for an onnxruntime 'bool' tensor. */
  mask: Uint8Array;
  dims: [number, number];
}

/** Tokenize several prompts into one batch (e.g. [prompt, ''] for classifier-free guidance). */
export function tokenizeBatch(prompts: readonly string[], textCtx: number): TokenBatch {
  const tokens = new BigInt64Array(prompts.length * textCtx);
  const mask = new Uint8Array(prompts.length * textCtx);
  prompts.forEach((prompt, row) => {
    const t = tokenizePrompt(prompt, textCtx);
    for (let i = 0; i < textCtx; i++) {
      tokens[row * textCtx + i] = BigInt(t.tokens[i]);
      mask[row * textCtx + i] = t.mask[i] ? 1 : 0;
    }
  });
  return { tokens, mask, dims: [prompts.length, textCtx] };
}
