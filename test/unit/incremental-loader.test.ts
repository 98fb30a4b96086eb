/**
 * The incremental loader must give exactly what loading the whole text gives, whatever the edit:
 * checked on real manifests with seeded random edits (insertions, deletions, new and removed `---`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SourceFile } from '../../shared/source/source-file.js';
import { loadManifests } from '../../shared/parse/yaml-loader.js';
import type { LoadedFile } from '../../shared/parse/yaml-loader.js';
import { IncrementalLoader } from '../../shared/session/incremental-loader.js';
import { splitDocuments } from '../../shared/session/document-chunks.js';
import { repoRoot } from '../support/cli.js';
import { prng } from '../support/prng.js';

function snapshot(loaded: LoadedFile): string {
  return JSON.stringify({
    documents: loaded.documents.map((d) => [d.index, d.span, d.broken, d.root]),
    problems: loaded.problems,
  });
}

const corpus = [
  ...readdirSync(join(repoRoot, 'examples/shop')).map((f) => join(repoRoot, 'examples/shop', f)),
  join(repoRoot, 'test/fixtures/cli/app/manifests.yaml'),
];

const snippets = ['\n---\n', 'x', '\n', '  # comment\n', ': ', '- ', '{', '"', '\n...\n', 'app: web\n'];

test('splitDocuments cuts at marker lines only, and gives up on directives', () => {
  assert.deepEqual(splitDocuments('a: 1\n---\nb: 2\n--- # c\nc: 3\n'), [
    { start: 0, end: 5 },
    { start: 5, end: 14 },
    { start: 14, end: 27 },
  ]);
  assert.deepEqual(splitDocuments('a: |\n  ---x\n---text: 1\n'), [{ start: 0, end: 23 }]);
  assert.deepEqual(splitDocuments('a: 1\n...\nb: 2\n'), [{ start: 0, end: 14 }]);
  assert.equal(splitDocuments('%YAML 1.2\n---\na: 1\n'), undefined);
});

for (const hinted of [false, true]) {
  test(`incremental loads equal whole-text loads under random edits${hinted ? ', told where the edit is' : ''}`, () => {
    const random = prng(20261121);
    let edits = 0;
    let reusedTotal = 0;
    for (const path of corpus) {
      const loader = new IncrementalLoader();
      let text = readFileSync(path, 'utf8');
      loader.load(new SourceFile(path, text));
      for (let i = 0; i < 60; i++) {
        // Every other step keeps the edit (so edits pile up), the others undo it (back to valid YAML).
        const before = text;
        const at = Math.floor(random() * (text.length + 1));
        let removed = 0;
        let inserted = '';
        if (random() < 0.6) inserted = snippets[Math.floor(random() * snippets.length)]!;
        else removed = Math.min(text.length - at, 1 + Math.floor(random() * 20));
        text = text.slice(0, at) + inserted + text.slice(at + removed);
        const forward = { start: at, oldEnd: at + removed, newEnd: at + inserted.length };
        const back = { start: at, oldEnd: at + inserted.length, newEnd: at + removed };
        for (const [version, hint] of i % 2 === 0
          ? [
              [text, forward],
              [before, back],
            ]
          : [[text, forward]]) {
          const file = new SourceFile(path, version as string);
          assert.equal(
            snapshot(loader.load(file, hinted ? (hint as typeof forward) : undefined)),
            snapshot(loadManifests(file)),
            `${path}, edit ${i} at ${at}`,
          );
          reusedTotal += loader.stats.reused;
          edits++;
        }
        if (i % 2 === 0) text = before;
      }
    }
    assert.ok(edits > 400);
    // Reuse itself is pinned down by the next test; here it only has to happen at all.
    assert.ok(reusedTotal > 0);
  });
}

test('an edit in one document re-parses that document only', () => {
  const docs = Array.from(
    { length: 50 },
    (_, i) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-${i}\n`,
  );
  const loader = new IncrementalLoader();
  const text = docs.join('---\n');
  loader.load(new SourceFile('ns.yaml', text));
  const edited = text.replace('ns-25', 'ns-twenty-five');
  const loaded = loader.load(new SourceFile('ns.yaml', edited));
  assert.deepEqual(loader.stats, { parsed: 1, reused: 49 });
  assert.equal(loaded.documents.length, 50);
  assert.equal(snapshot(loaded), snapshot(loadManifests(new SourceFile('ns.yaml', edited))));
  // Told where the edit is, the loader reuses the same documents without comparing texts.
  const at = edited.indexOf('ns-twenty-five');
  const back = loader.load(new SourceFile('ns.yaml', text), { start: at, oldEnd: at + 14, newEnd: at + 5 });
  assert.deepEqual(loader.stats, { parsed: 1, reused: 49 });
  assert.equal(snapshot(back), snapshot(loadManifests(new SourceFile('ns.yaml', text))));
});
