import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from 'gpt-tokenizer/encoding/r50k_base';
import {
  GLIDE_END_TOKEN, GLIDE_VOCAB_SIZE, MAX_TOKEN_CHARS, encodePrompt, promptCharLimit, tokenizeBatch,
  tokenizePrompt,
} from './tokenizer.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const refDir = path.resolve(repoRoot, '../shared/reference/glide');

interface Case { prompt: string; raw_tokens: number[]; tokens: number[]; mask: boolean[] }
const ref = JSON.parse(fs.readFileSync(path.join(refDir, 'tokenizer.json'), 'utf8')) as {
  n_vocab: number; cases: Case[];
};
const TEXT_CTX = 128;

test('reference constants', () => {
  assert.equal(ref.n_vocab, GLIDE_VOCAB_SIZE);
  assert.equal(ref.cases[0].tokens.length, TEXT_CTX);
});

for (const c of ref.cases) {
  test(`tokenizer.json: ${JSON.stringify(c.prompt.slice(0, 40))}${c.prompt.length > 40 ? '…' : ''}`, () => {
    assert.deepEqual(encodePrompt(c.prompt, TEXT_CTX), c.raw_tokens);
    const t = tokenizePrompt(c.prompt, TEXT_CTX);
    assert.deepEqual(t.tokens, c.tokens);
    assert.deepEqual(t.mask, c.mask);
  });
}

test('tokenizer.json covers empty, accented, punctuated and over-long prompts', () => {
  const prompts = ref.cases.map((c) => c.prompt);
  assert.ok(prompts.includes(''));
  assert.ok(prompts.some((p) => /[^\x00-\x7f]/.test(p)));
  assert.ok(ref.cases.some((c) => c.raw_tokens.length > TEXT_CTX));
});

test('tokenizeBatch: int64 tokens and 0/1 mask, row-major', () => {
  const b = tokenizeBatch(['A Red CIRCLE', ''], TEXT_CTX);
  assert.deepEqual(b.dims, [2, TEXT_CTX]);
  assert.equal(b.tokens.length, 2 * TEXT_CTX);
  const want = ref.cases.find((c) => c.prompt === 'A Red CIRCLE')!;
  assert.deepEqual(Array.from(b.tokens.subarray(0, TEXT_CTX), Number), want.tokens);
  assert.deepEqual(Array.from(b.mask.subarray(0, TEXT_CTX), (v) => v === 1), want.mask);
  assert.ok(b.tokens.subarray(TEXT_CTX).every((v) => v === BigInt(GLIDE_END_TOKEN)));
  assert.ok(b.mask.subarray(TEXT_CTX).every((v) => v === 0));
});

test('a literal <|endoftext|> in a prompt is plain text', () => {
  const t = encodePrompt('a <|endoftext|> b', TEXT_CTX);
  assert.ok(!t.includes(GLIDE_END_TOKEN));
  assert.equal(decode(t), 'a <|endoftext|> b');
});

test('MAX_TOKEN_CHARS is the longest token in the vocabulary', () => {
  let longest = 0;
  for (let id = 0; id < GLIDE_END_TOKEN; id++) longest = Math.max(longest, decode([id]).length);
  assert.equal(longest, MAX_TOKEN_CHARS);
});

test('absurd prompt lengths do not hang and keep the first textCtx tokens', () => {
  const rand = (n: number) => {
    let s = 12345;
    return Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return String.fromCharCode(97 + (s % 26));
    }).join('');
  };
  const limit = promptCharLimit(TEXT_CTX);
  // Worst cases for the cut: single long runs of letters, digits or punctuation near the start.
  const samples = [
    rand(limit + 3000),
    'a'.repeat(limit + 3000),
    'x '.repeat(60) + rand(limit + 3000),
    '='.repeat(limit + 3000),
    '7'.repeat(limit + 3000),
    'é'.repeat(limit + 3000),
  ];
  for (const s of samples) {
    const full = encode(s.toLowerCase(), { disallowedSpecial: new Set() }).slice(0, TEXT_CTX);
    assert.deepEqual(tokenizePrompt(s, TEXT_CTX).tokens, full);
  }
  const t0 = performance.now();
  const huge = tokenizePrompt('z'.repeat(100_000), TEXT_CTX);
  const huge2 = tokenizePrompt(rand(100_000), TEXT_CTX);
  const ms = performance.now() - t0;
  assert.ok(huge.mask.every(Boolean) && huge2.mask.every(Boolean));
  assert.ok(ms < 3000, `100k-character prompts took ${ms.toFixed(0)} ms`);
});

test('bad textCtx is rejected', () => {
  assert.throws(() => tokenizePrompt('a', 0));
  assert.throws(() => tokenizePrompt('a', 1.5));
});
