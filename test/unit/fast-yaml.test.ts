/**
 * The fast YAML reader (shared/parse/fast-yaml.ts) must give exactly what the general path (the `yaml`
 * package) gives: same documents, values, flags and spans, same problems. Checked on the repository's
 * manifests, on generated clusters, and on seeded random edits of them that add the constructs the
 * fast reader hands over (comments in odd places, YAML 1.1 scalars, quotes, anchors, flow collections,
 * block scalars, tabs, duplicate keys, markers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SourceFile } from '../../shared/source/source-file.js';
import { loadGeneral, loadManifests } from '../../shared/parse/yaml-loader.js';
import type { LoadedFile } from '../../shared/parse/yaml-loader.js';
import { plainShortcutEnabled } from '../../shared/parse/fast-yaml.js';
import { repoRoot } from '../support/cli.js';
import { generateFiles, sizes } from '../../bench/generate.js';
import { prng } from '../support/prng.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(e.name) ? [path] : [];
  });
}

function snapshot(loaded: LoadedFile): string {
  // NaN (`.nan`) would print as null.
  return JSON.stringify({ documents: loaded.documents, problems: loaded.problems }, (_, v: unknown) =>
    typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v,
  );
}

function assertSame(name: string, text: string): void {
  const file = new SourceFile(name, text);
  const loaded = loadManifests(file);
  if (loaded.problems.some((p) => p.code === 'helm-template' || p.code === 'file-too-large')) return;
  assert.equal(snapshot(loaded), snapshot(loadGeneral(file)), name);
}

const values = [
  ...[
    'yes',
    'no',
    'on',
    'Off',
    'y',
    'n',
    '~',
    'null',
    'true',
    '0777',
    '0x1F',
    '0b101',
    '1e3',
    'e5',
    '1_000',
    '12:30',
  ],
  ...[
    '.inf',
    '-.5',
    '+1',
    '2001-12-14',
    '""',
    "''",
    '"a\\"b"',
    '"\\u00e9"',
    '"\\x41"',
    "'it''s'",
    '{}',
    '[]',
  ],
  ...[
    '[a, b]',
    '{a: 1}',
    '-',
    '-x',
    'a: b',
    'a:b',
    '&x v',
    '*x',
    '!!str 1',
    '|',
    '>-',
    'a #b',
    'a#b',
    'fd00::',
  ],
  ...['http://x:80', 'fd00::1', '"multi', 'x\ty', '@x', '%x', '# only a comment'],
];
const keys = ['y', 'true', '1', '01', 'null', '~', 'a b', 'a:b', '"q"', "'s'", '<<', '? k', 'dup'];
const lines = [
  '---',
  '...',
  'dup: 1',
  'dup: 2',
  '- item',
  'key:',
  '<<: *a',
  'k : v',
  '\ttab: 1',
  '--- # c',
  'a: |\n  text',
];

/** A few random edits of the kinds listed in the file comment. */
function edit(text: string, random: () => number): string {
  const out = text.split('\n');
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const i = Math.floor(random() * out.length);
    const line = out[i] ?? '';
    const indent = ' '.repeat(line.length - line.trimStart().length);
    switch (Math.floor(random() * 9)) {
      case 0:
        out.splice(i, 0, ' '.repeat(Math.floor(random() * 8)) + '# comment');
        break;
      case 1:
        out.splice(i, 0, random() < 0.5 ? '' : indent + '# c');
        break;
      case 2:
        out[i] = line + (random() < 0.5 ? '   ' : ' # trailing');
        break;
      case 3:
        out[i] = line.replace(/: (\S+)$/, random() < 0.5 ? ': "$1"' : ':');
        break;
      case 4:
        out[i] = line.replace(/: (\S+)$/, `: ${pick(values)}`);
        break;
      case 5:
        out[i] = line.replace(/^(\s*)([^\s:]+):/, `$1${pick(keys)}:`);
        break;
      case 6:
        out.splice(i, 0, indent + pick(lines));
        break;
      case 7:
        out[i] = ' ' + line;
        break;
      default:
        out.splice(i, 1);
    }
  }
  return out.join('\n');
}

test('the installed yaml package has the YAML 1.1 tags the plain-scalar shortcut was derived from', () => {
  assert.equal(plainShortcutEnabled(), true);
});

test('fast and general paths agree on the repository manifests', () => {
  for (const path of [
    ...yamlFiles(join(repoRoot, 'examples')),
    ...yamlFiles(join(repoRoot, 'test/fixtures')),
  ]) {
    assertSame(path, readFileSync(path, 'utf8'));
  }
});

test('fast and general paths agree on a generated cluster and on random edits of it', () => {
  const random = prng(20261121);
  const { files } = generateFiles(sizes['small']!, 3);
  for (const file of files) {
    assertSame(file.name, file.text);
    const documents = file.text.split(/^(?=---$)/m);
    for (let i = 0; i < 150; i++) {
      const at = Math.floor(random() * documents.length);
      assertSame(`${file.name} edit ${i}`, edit(documents.slice(at, at + 3).join(''), random));
    }
  }
});

test('fast and general paths agree on random edits of the repository manifests', () => {
  const random = prng(7);
  for (const path of [
    ...yamlFiles(join(repoRoot, 'examples')),
    ...yamlFiles(join(repoRoot, 'test/fixtures')),
  ]) {
    const text = readFileSync(path, 'utf8');
    for (let i = 0; i < 40; i++) assertSame(`${path} edit ${i}`, edit(text, random));
  }
});

test('a document the fast reader hands over is read alone, at its offsets', () => {
  const text = 'a: 1\n---\nanchor: &x {k: v}\nalias: *x\n---\nb: [1, 2]\n---\nc: 3\n';
  assertSame('mixed.yaml', text);
  const loaded = loadManifests(new SourceFile('mixed.yaml', text));
  assert.deepEqual(
    loaded.documents.map((d) => text.slice(d.span.start, d.span.end)),
    ['a: 1\n', 'anchor: &x {k: v}\nalias: *x\n', 'b: [1, 2]\n', 'c: 3\n'],
  );
});

test('a syntax error running over a `---` is reported as a whole-file parse reports it', () => {
  assertSame('broken.yaml', 'a: 1\n---\nb: "open\n---\nc: 3\n');
  assertSame('duplicate.yaml', 'a: 1\n---\nb: 1\nb: 2\n---\nc: 3\n');
});
