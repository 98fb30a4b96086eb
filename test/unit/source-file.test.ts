import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../shared/source/source-file.js';

test('positionAt and offsetAt round-trip over \\n, \\r\\n and non-ASCII text', () => {
  const file = new SourceFile('x.yaml', 'a: 1\r\nbé: "ü"\nc: 3');
  for (let offset = 0; offset <= file.text.length; offset++) {
    const pos = file.positionAt(offset);
    const back = file.offsetAt(pos);
    // Offsets inside a \r\n pair map to the end of the line's content.
    if (file.text[offset - 1] === '\r' && file.text[offset] === '\n') continue;
    assert.equal(back, offset, `offset ${offset} -> ${JSON.stringify(pos)}`);
  }
  assert.deepEqual(file.positionAt(6), { line: 1, character: 0 });
  assert.deepEqual(file.lineColumn(file.text.indexOf('c')), { line: 3, column: 1 });
  assert.equal(file.lineCount, 3);
});

test('positionAt clamps offsets outside the text', () => {
  const file = new SourceFile('x.yaml', 'ab\ncd');
  assert.deepEqual(file.positionAt(-5), { line: 0, character: 0 });
  assert.deepEqual(file.positionAt(99), { line: 1, character: 2 });
  assert.equal(file.offsetAt({ line: 0, character: 99 }), 2);
  assert.equal(file.offsetAt({ line: 9, character: 0 }), 5);
});
