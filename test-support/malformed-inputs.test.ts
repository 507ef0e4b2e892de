/**
 * The robustness suite (serve/robustness.test.ts) mutates a valid input of every contract channel field by
 * field: each channel must have one, and it must be valid, or a new channel would get only the few
 * wrong-for-everything inputs and its fields none.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { CHANNELS, requests } from '../main/contract.ts';
import { validInputs } from './malformed-inputs.ts';

test('every contract channel has a valid input for the robustness suite to mutate', async () => {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ffffff' } }).png().toBuffer();
  const valid = validInputs(new Uint8Array(png));
  assert.deepEqual(CHANNELS.filter((c) => !(c in valid)), [], 'channels without a valid input in test-support/malformed-inputs.ts');
  assert.deepEqual(Object.keys(valid).filter((c) => !(CHANNELS as string[]).includes(c)), [], 'valid inputs of channels the contract no longer has');
  for (const channel of CHANNELS) {
    const parsed = requests[channel].input.safeParse(valid[channel]);
    assert.ok(parsed.success, `${channel}: ${parsed.error?.issues[0]?.message}`);
  }
});
