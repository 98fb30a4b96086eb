/**
 * The guard that keeps over-deep documents away from the YAML parsers (shared/parse/nesting-guard.ts),
 * through the loader that uses it. The deep inputs below used to end the process with V8's fatal
 * "RegExpCompiler Allocation failed" (a stack exhausted inside the `yaml` package): if the guard
 * regresses, this test process dies and the run fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SourceFile } from '../../shared/source/source-file.js';
import { loadManifests, MAX_NESTING_DEPTH } from '../../shared/parse/yaml-loader.js';
import { blankOverDeepDocuments, deepestPoint } from '../../shared/parse/nesting-guard.js';
import { objectsOfDocument } from '../../shared/parse/kube-objects.js';
import { textOf } from '../support/manifests.js';

const deep = (n: number) => ({
  flow: `deep: ${'['.repeat(n)}${']'.repeat(n)}`,
  block: `deep:${Array.from({ length: n }, (_, i) => `\n${' '.repeat(i + 1)}k:`).join('')} 1`,
  compact: `deep:\n${'- '.repeat(n)}x`,
  // A quote inside a plain scalar opens nothing: the deep flow on the next line still counts.
  strayQuote: `a: it's "quoted\nb: ${'{a: '.repeat(n)}1${'}'.repeat(n)}`,
});

const pod = 'kind: Pod\napiVersion: v1\nmetadata:\n  name: kept\n';

test('a document thousands of levels deep, with a stray {{ in it, is reported and the others are analysed', () => {
  for (const n of [2_000, 5_000]) {
    for (const [style, body] of Object.entries(deep(n))) {
      const text = `${body}\nname: {{ .x }}\n---\n${pod}`;
      const loaded = loadManifests(new SourceFile('m.yaml', text));
      assert.deepEqual(
        loaded.problems.map((p) => p.code),
        ['yaml-too-deep'],
        `${style} ${n}`,
      );
      assert.ok(loaded.problems[0]!.span.start < text.indexOf('---'), `${style} ${n}: on the deep document`);
      const objects = loaded.documents.flatMap((d) => objectsOfDocument(loaded.file, d));
      assert.deepEqual(
        objects.map((o) => o.name),
        ['kept'],
        `${style} ${n}`,
      );
      // Offsets hold for the file as written: the kept object's text is the original text.
      assert.equal(loaded.file.text, text);
      assert.match(textOf(loaded.file, loaded.documents.at(-1)!.span), /^kind: Pod\n/);
    }
  }
});

test('the guard blanks only the over-deep document, keeping every offset and the document markers', () => {
  const text = `${pod}---\n${deep(3_000).flow}\n---\n${pod}`;
  const { text: guarded, blanked } = blankOverDeepDocuments(text, 2 * MAX_NESTING_DEPTH);
  assert.equal(guarded.length, text.length);
  assert.equal(blanked.length, 1);
  const second = text.indexOf('---');
  const third = text.indexOf('---', second + 3);
  assert.deepEqual(blanked[0]!.span, { start: second + 3, end: third });
  assert.equal(guarded.slice(0, second + 3), text.slice(0, second + 3));
  assert.equal(guarded.slice(third), text.slice(third));
  assert.match(guarded.slice(second + 3, third), /^[ \n]+$/);
  // Shallow text comes back as it is.
  assert.equal(blankOverDeepDocuments(pod, 2 * MAX_NESTING_DEPTH).text, pod);
});

test('block scalars, quoted scalars and comments do not count as nesting', () => {
  const lines = Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(2 + (i % 300))}[{- line ${i}`);
  const text = [
    'script: |',
    ...lines,
    `quoted: "${'['.repeat(1_000)}"`,
    `single: '${'{'.repeat(1_000)}'`,
    `# ${'['.repeat(1_000)}`,
    `folded: >-  # a comment`,
    ...lines,
    'end: 1',
  ].join('\n');
  assert.equal(deepestPoint(text, 0, text.length, 8), undefined);
  const loaded = loadManifests(new SourceFile('m.yaml', text));
  assert.deepEqual(loaded.problems, []);
});

test('no manifest of this repository comes near the guard', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) files.push(path);
    }
  };
  for (const dir of ['examples', 'test/fixtures']) walk(dir);
  assert.ok(files.length >= 10, `${files.length} manifests`);
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    // Real manifests nest a dozen levels or so; a quarter of the precise limit is far above them.
    assert.equal(deepestPoint(text, 0, text.length, MAX_NESTING_DEPTH / 4), undefined, path);
  }
});
