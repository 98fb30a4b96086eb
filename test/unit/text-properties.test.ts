/**
 * Properties of the text helpers, over texts made of the characters that break them: `\n`, `\r\n`, lone
 * `\r`, surrogate pairs, spaces, dashes, colons, quotes and brackets (fast-check, fixed seed). Every helper
 * terminates for every offset, including 0, the end and empty lines (issue 8: completion looped forever
 * on `\nkind: …` at 0:0), and every position handed to a client is a valid position of the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lineStartOf, snapOffset, SourceFile } from '../../shared/source/source-file.js';
import { slotAt } from '../../shared/features/completion-slot.js';
import { completionsAt } from '../../shared/features/completion.js';
import { applyEdits } from '../../shared/fixes/types.js';
import { detectEol } from '../../shared/fixes/yaml-edit.js';
import { WorkspaceSession } from '../../shared/session/workspace-session.js';

const SEED = 20261205;
const settings = { seed: SEED, numRuns: 400 };

/** Pieces of manifest text, line breaks of every kind and characters outside the BMP. */
const piece = fc.constantFrom(
  '\n',
  '\r\n',
  '\r',
  '',
  ' ',
  '  ',
  '- ',
  ':',
  ': ',
  'a',
  'kind: NetworkPolicy',
  'podSelector:',
  'matchLabels:',
  'app: web',
  '#',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ',',
  '😀',
  'é',
  '\t',
  '---',
);
const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
const textAndOffset = text.chain((t) => fc.tuple(fc.constant(t), fc.integer({ min: -2, max: t.length + 2 })));

/** True when `offset` is a valid place for an LSP position: not inside a CRLF nor a surrogate pair. */
function validOffset(t: string, offset: number): boolean {
  if (offset < 0 || offset > t.length) return false;
  if (offset === 0 || offset === t.length) return true;
  const before = t.charCodeAt(offset - 1);
  const here = t.charCodeAt(offset);
  if (before === 13 && here === 10) return false;
  return !(before >= 0xd800 && before <= 0xdbff && here >= 0xdc00 && here <= 0xdfff);
}

/** The lines of a text with their content (without line breaks), split the way LSP does. */
function lspLines(t: string): string[] {
  return t.split(/\r\n|\r|\n/);
}

test('lineStarts: 0 and the offset after every line break, a CRLF counted once', () => {
  fc.assert(
    fc.property(text, (t) => {
      const file = new SourceFile('t.yaml', t);
      assert.equal(file.lineCount, lspLines(t).length);
      const starts = file.lineStarts;
      assert.equal(starts[0], 0);
      for (let i = 1; i < starts.length; i++) {
        const at = starts[i]!;
        assert.ok(at > starts[i - 1]!);
        assert.ok(t[at - 1] === '\n' || (t[at - 1] === '\r' && t[at] !== '\n'));
      }
    }),
    settings,
  );
});

test('positionAt gives valid positions; offsetAt ∘ positionAt is the identity on valid offsets', () => {
  fc.assert(
    fc.property(textAndOffset, ([t, offset]) => {
      const file = new SourceFile('t.yaml', t);
      const lines = lspLines(t);
      const position = file.positionAt(offset);
      assert.ok(position.line >= 0 && position.line < lines.length);
      const line = lines[position.line]!;
      assert.ok(position.character >= 0 && position.character <= line.length, JSON.stringify(position));
      const back = file.offsetAt(position);
      assert.ok(validOffset(t, back), `offset ${back} is inside a CRLF or a surrogate pair`);
      const snapped = snapOffset(t, offset);
      assert.ok(validOffset(t, snapped));
      assert.equal(back, snapped);
      assert.ok(snapped <= Math.max(0, Math.min(offset, t.length)));
    }),
    settings,
  );
});

test('offsetAt accepts any position (past the end, negative, in a surrogate pair) and lands on a valid offset', () => {
  fc.assert(
    fc.property(
      text,
      fc.integer({ min: -2, max: 50 }),
      fc.integer({ min: -2, max: 80 }),
      (t, line, character) => {
        const file = new SourceFile('t.yaml', t);
        const offset = file.offsetAt({ line, character });
        assert.ok(validOffset(t, offset), `offset ${offset}`);
        assert.deepEqual(file.positionAt(offset), file.positionAt(file.offsetAt(file.positionAt(offset))));
      },
    ),
    settings,
  );
});

test('line starts derived from the previous text after an edit equal those of a fresh scan', () => {
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(), text, (before, a, b, inserted) => {
      const start = before.length === 0 ? 0 : a % (before.length + 1);
      const oldEnd = start + (before.length === 0 ? 0 : b % (before.length - start + 1));
      const after = before.slice(0, start) + inserted + before.slice(oldEnd);
      const previous = new SourceFile('t.yaml', before);
      if (a % 2 === 0) void previous.lineStarts; // derived from computed and from lazy starts alike
      const edited = SourceFile.edited(previous, after, { start, oldEnd, newEnd: start + inserted.length });
      assert.deepEqual(edited.lineStarts, new SourceFile('t.yaml', after).lineStarts);
    }),
    { ...settings, numRuns: 2000 },
  );
});

test('lineStartOf is the start of the line positionAt puts the offset on, for every offset', () => {
  fc.assert(
    fc.property(textAndOffset, ([t, offset]) => {
      const file = new SourceFile('t.yaml', t);
      const start = lineStartOf(t, offset);
      assert.ok(start >= 0 && start <= Math.max(0, Math.min(offset, t.length)));
      assert.equal(start, file.lineStarts[file.positionAt(offset).line]);
    }),
    settings,
  );
});

test('slotAt terminates for every text and offset, and its replace range holds the offset', () => {
  // The inputs of the hang, explicitly, then random ones.
  for (const [t, offset] of [
    ['\nkind: NetworkPolicy\n', 0],
    ['\n-', 0],
    ['\n\n\n', 1],
    ['\r\n\r\n', 2],
    ['\r\r- ', 2],
  ] as const)
    slotAt(t, offset);
  fc.assert(
    fc.property(textAndOffset, ([t, raw]) => {
      const offset = Math.max(0, Math.min(raw, t.length));
      const slot = slotAt(t, offset);
      if (!slot) return;
      assert.ok(slot.replace.start <= offset && offset <= slot.replace.end);
      assert.ok(slot.replace.end <= t.length);
    }),
    settings,
  );
});

test('completion on any text at any position terminates and replaces a range of that text', () => {
  const session = new WorkspaceSession();
  session.setFile(
    'pods.yaml',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web, tier: front}}\n',
  );
  fc.assert(
    fc.property(
      textAndOffset.map(
        ([t, o]) => [`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n${t}`, o] as const,
      ),
      ([t, raw]) => {
        session.setFile('policy.yaml', t);
        const file = session.source('policy.yaml')!;
        const offset = Math.max(0, Math.min(raw + 50, t.length));
        for (const item of completionsAt(session.analysis(), file, offset)) {
          assert.ok(item.replace.start <= item.replace.end && item.replace.end <= t.length);
          assert.ok(validOffset(t, item.replace.start) && validOffset(t, item.replace.end));
        }
      },
    ),
    { ...settings, numRuns: 200 },
  );
});

test('applyEdits replaces exactly the edited ranges and keeps the rest byte for byte', () => {
  const edits = (length: number) =>
    fc
      .uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 6 })
      .map((cuts) => cuts.sort((a, b) => a - b))
      .chain((cuts) =>
        fc.tuple(
          fc.constant(cuts),
          fc.array(fc.constantFrom('', 'x', '\n', '\r\n', '😀'), {
            minLength: cuts.length,
            maxLength: cuts.length,
          }),
        ),
      );
  fc.assert(
    fc.property(
      text.chain((t) => fc.tuple(fc.constant(t), edits(t.length))),
      ([t, [cuts, texts]]) => {
        // Pairs of cuts are ranges (non-overlapping, ascending); an odd cut is an insertion.
        const list: Array<{ span: { start: number; end: number }; newText: string }> = [];
        for (let i = 0; i < cuts.length; i += 2) {
          const start = cuts[i]!;
          const end = cuts[i + 1] ?? start;
          list.push({ span: { start, end }, newText: texts[i]! });
        }
        const out = applyEdits(t, [...list].reverse());
        let expected = '';
        let at = 0;
        for (const e of list) {
          expected += t.slice(at, e.span.start) + e.newText;
          at = e.span.end;
        }
        expected += t.slice(at);
        assert.equal(out, expected);
      },
    ),
    settings,
  );
});

test('detectEol is the first line break of the text', () => {
  fc.assert(
    fc.property(text, (t) => {
      const first = /\r\n|\r|\n/.exec(t);
      assert.equal(detectEol(t), first ? first[0] : '\n');
    }),
    settings,
  );
});
