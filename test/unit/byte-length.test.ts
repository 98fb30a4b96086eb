/** The UTF-8 length that name and label limits count (shared/validate/report.ts byteLength). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteLength } from '../../shared/validate/report.js';

test('byteLength equals the length of the UTF-8 encoding, lone surrogates included', () => {
  const encoder = new TextEncoder();
  const samples = ['', 'web', 'é', '€', '😀', 'a😀b', '\ud800', '\udc00x', 'x\ud83d', '\u07ff\u0800\uffff'];
  // A seeded walk over characters of every width and both surrogate halves, alone and paired.
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  const pool = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xffff];
  for (let n = 0; n < 500; n++)
    samples.push(
      String.fromCharCode(...Array.from({ length: next() % 12 }, () => pool[next() % pool.length]!)),
    );
  for (const text of samples)
    assert.equal(byteLength(text), encoder.encode(text).length, JSON.stringify(text));
});
