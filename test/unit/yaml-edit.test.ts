/**
 * The minimal-edit YAML toolkit (shared/fixes/yaml-edit.ts): rendering, style detection, geometry, and
 * every edit, each checked by a round trip: apply the edits, re-parse with loadManifests, compare the data
 * (toPlain), and check that the text outside the edited range is byte-identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../shared/source/source-file.js';
import { loadManifests } from '../../shared/parse/yaml-loader.js';
import { get, getPath, isMap, isScalar, isSeq, toPlain } from '../../shared/parse/snode.js';
import type { SMap, SNode, SPair, SScalar, SSeq } from '../../shared/parse/snode.js';
import { applyEdits } from '../../shared/fixes/types.js';
import type { TextEdit } from '../../shared/fixes/types.js';
import {
  YamlEditor,
  defaultStyle,
  detectEol,
  detectStyle,
  formatKey,
  formatScalar,
  renderBlock,
  renderFlow,
  renderYaml,
} from '../../shared/fixes/yaml-edit.js';
import type { YamlStyle } from '../../shared/fixes/yaml-edit.js';
import { dedent } from '../support/manifests.js';

interface Loaded {
  readonly text: string;
  readonly file: SourceFile;
  readonly root: SNode;
  readonly editor: YamlEditor;
}

/** Loads `text` (as given) and builds an editor for document `index`. */
function load(text: string, index = 0): Loaded {
  const file = new SourceFile('edit.yaml', text);
  const loaded = loadManifests(file);
  assert.deepEqual(loaded.problems, [], 'the fixture parses');
  const root = loaded.documents[index]?.root;
  assert.ok(root, `document ${index} has content`);
  const others = loaded.documents.flatMap((d) => (d.root && d.index !== index ? [d.root] : []));
  return { text, file, root, editor: new YamlEditor(file, root, detectStyle(file, [root], others)) };
}

function y(text: string): string {
  return dedent(text);
}

function map(node: SNode | undefined): SMap {
  assert.ok(isMap(node), 'a map');
  return node;
}

function seq(node: SNode | undefined): SSeq {
  assert.ok(isSeq(node), 'a sequence');
  return node;
}

function pair(node: SNode | undefined, key: string): SPair {
  const found = map(node).pairs.find((p) => p.key.value === key);
  assert.ok(found, `key ${key}`);
  return found;
}

function must(edits: readonly TextEdit[] | undefined): readonly TextEdit[] {
  assert.ok(edits, 'the editor produced edits');
  return edits;
}

/**
 * Applies the edits and checks the result: it parses without problems, the text before the first and
 * after the last edited offset is unchanged, and every document other than `index` has the same data.
 * Returns the new text and the data of document `index`.
 */
function roundTrip(
  before: Loaded,
  edits: readonly TextEdit[] | undefined,
  index = 0,
): { text: string; data: unknown } {
  const list = must(edits);
  const text = applyEdits(before.text, list);
  const start = Math.min(...list.map((e) => e.span.start));
  const end = Math.max(...list.map((e) => e.span.end));
  assert.equal(text.slice(0, start), before.text.slice(0, start), 'text before the edits is unchanged');
  assert.equal(
    text.slice(text.length - (before.text.length - end)),
    before.text.slice(end),
    'text after the edits is unchanged',
  );
  const reloaded = loadManifests(new SourceFile('edit.yaml', text));
  assert.deepEqual(reloaded.problems, [], `the result parses:\n${text}`);
  const original = loadManifests(before.file);
  assert.equal(reloaded.documents.length, original.documents.length, 'same number of documents');
  for (const doc of original.documents) {
    if (doc.index === index) continue;
    const after = reloaded.documents[doc.index]!;
    assert.deepEqual(
      after.root && toPlain(after.root),
      doc.root && toPlain(doc.root),
      `document ${doc.index} is unchanged`,
    );
  }
  const root = reloaded.documents[index]?.root;
  return { text, data: root ? toPlain(root) : undefined };
}

// ---------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------

test('formatScalar quotes what YAML 1.1 or 1.2 would read as something else', () => {
  for (const s of [
    'yes',
    'No',
    'on',
    'OFF',
    'y',
    'n',
    'true',
    'null',
    '~',
    '',
    '53',
    '0777',
    '0o17',
    '1_000',
    '1:20',
    '0x1F',
    '.inf',
    '1e3',
    '2001-12-14',
  ]) {
    assert.match(formatScalar(s), /^".*"$/, `${JSON.stringify(s)} is quoted`);
  }
  for (const s of [
    '- a',
    'a: b',
    'a #b',
    ' lead',
    'trail ',
    '#c',
    '&a',
    '*a',
    '!t',
    '|',
    '>',
    '@x',
    '`x',
    '%x',
    '{a}',
    'key:',
    'line\nbreak',
    'tab\there',
  ]) {
    assert.match(formatScalar(s), /^".*"$/, `${JSON.stringify(s)} is quoted`);
  }
  for (const s of [
    'web',
    'kube-dns',
    'kube-system',
    'Ingress',
    '169.254.169.254/32',
    'k8s-app',
    'a.b/c',
    'fd00:ec2::254/128',
  ]) {
    assert.equal(formatScalar(s), s, `${s} stays plain`);
  }
  assert.equal(
    formatScalar('fd00:ec2::254/128', true),
    '"fd00:ec2::254/128"',
    'a colon is quoted in flow style',
  );
  assert.equal(formatScalar('a,b', true), '"a,b"');
  assert.equal(formatScalar('a,b'), 'a,b');
  assert.equal(formatScalar(53), '53');
  assert.equal(formatScalar(false), 'false');
  assert.equal(formatScalar(null), 'null');
});

test('formatted scalars read back as the same value', () => {
  const values = [
    'yes',
    '53',
    '0777',
    'a: b',
    'x #y',
    '',
    ' pad ',
    'quote"in',
    "it's",
    'ünïcode',
    'back\\slash',
    'web',
    'a,b',
  ];
  for (const value of values) {
    for (const flow of [false, true]) {
      const text = flow ? `k: [${formatScalar(value, true)}]\n` : `k: ${formatScalar(value)}\n`;
      const loaded = loadManifests(new SourceFile('s.yaml', text));
      assert.deepEqual(loaded.problems, [], text);
      const root = loaded.documents[0]!.root!;
      assert.deepEqual(toPlain(root), { k: flow ? [value] : value }, text);
    }
  }
});

test('formatKey keeps label keys plain and quotes keys YAML would turn into other types', () => {
  assert.equal(formatKey('kubernetes.io/metadata.name'), 'kubernetes.io/metadata.name');
  assert.equal(
    formatKey('dns.operator.openshift.io/daemonset-dns'),
    'dns.operator.openshift.io/daemonset-dns',
  );
  assert.equal(formatKey('y'), '"y"');
  assert.equal(formatKey('80'), '"80"');
  assert.equal(formatKey('a:b'), '"a:b"');
});

test('renderBlock writes block style in the given key order, both sequence styles', () => {
  const value = {
    to: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: {},
      },
    ],
    ports: [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ],
  };
  assert.deepEqual(renderBlock(value, 2, { eol: '\n', indentUnit: 2, sequenceIndent: 0 }), [
    '  to:',
    '  - namespaceSelector:',
    '      matchLabels:',
    '        kubernetes.io/metadata.name: kube-system',
    '    podSelector: {}',
    '  ports:',
    '  - port: 53',
    '    protocol: UDP',
    '  - port: 53',
    '    protocol: TCP',
  ]);
  assert.deepEqual(renderBlock(value, 0, { eol: '\n', indentUnit: 4, sequenceIndent: 4 }), [
    'to:',
    '    - namespaceSelector:',
    '          matchLabels:',
    '              kubernetes.io/metadata.name: kube-system',
    '      podSelector: {}',
    'ports:',
    '    - port: 53',
    '      protocol: UDP',
    '    - port: 53',
    '      protocol: TCP',
  ]);
  assert.deepEqual(renderBlock({ b: 1, a: [], c: {}, d: [[1, 2]] }, 0), [
    'b: 1',
    'a: []',
    'c: {}',
    'd:',
    '  - - 1',
    '    - 2',
  ]);
  assert.deepEqual(renderBlock('yes', 4), ['    "yes"']);
});

test('renderYaml ends every line with the style line ending and reads back as the data', () => {
  const data = {
    policyTypes: ['Ingress', 'Egress'],
    podSelector: { matchLabels: { app: 'web', 'k8s-app': 'yes' } },
  };
  const crlf: YamlStyle = { ...defaultStyle, eol: '\r\n' };
  const text = renderYaml(data, 0, crlf);
  assert.ok(text.endsWith('\r\n'));
  assert.equal(text.split('\r\n').length, 8);
  assert.ok(!/[^\r]\n/.test(text), 'no bare LF');
  const loaded = loadManifests(new SourceFile('r.yaml', text));
  assert.deepEqual(toPlain(loaded.documents[0]!.root!), data);
  assert.deepEqual(Object.keys(toPlain(loaded.documents[0]!.root!) as object), [
    'policyTypes',
    'podSelector',
  ]);
});

test('renderFlow writes flow style', () => {
  assert.equal(
    renderFlow({ matchLabels: { 'kubernetes.io/metadata.name': 'db' }, ports: [53, 'dns', null] }),
    '{matchLabels: {kubernetes.io/metadata.name: db}, ports: [53, dns, null]}',
  );
  assert.equal(renderFlow([]), '[]');
  assert.equal(renderFlow({}), '{}');
  assert.equal(renderFlow(['a,b', 'yes']), '["a,b", "yes"]');
});

// ---------------------------------------------------------------------------------------------------------
// Style and geometry
// ---------------------------------------------------------------------------------------------------------

test('detectStyle finds the indent unit, the sequence indentation and the line ending', () => {
  const compact = load(
    y(`
    spec:
      podSelector:
        matchLabels:
          app: web
      ingress:
      - from:
        - podSelector: {}
  `),
  );
  assert.deepEqual(compact.editor.style, { eol: '\n', indentUnit: 2, sequenceIndent: 0 });
  const indented = load(
    'spec:\r\n    ingress:\r\n        - from:\r\n              - podSelector: {}\r\n    podSelector:\r\n        matchLabels: {}\r\n',
  );
  assert.deepEqual(indented.editor.style, { eol: '\r\n', indentUnit: 4, sequenceIndent: 4 });
  const flat = load('a: 1\nb: [x]\n');
  assert.deepEqual(flat.editor.style, defaultStyle);
  assert.equal(detectEol('a\rb'), '\r');
  assert.equal(detectEol('no break'), '\n');
});

test('detectStyle falls back to the other documents of the file', () => {
  const text = 'kind: A\n---\nspec:\n    x:\n        - 1\n';
  const file = new SourceFile('s.yaml', text);
  const loaded = loadManifests(file);
  const [first, second] = loaded.documents.map((d) => d.root!);
  assert.deepEqual(detectStyle(file, [first!], [second!]), { eol: '\n', indentUnit: 4, sequenceIndent: 4 });
});

test('indentation and content ends of nodes and lines', () => {
  const l = load(
    y(`
    spec:
      ingress:
      - from:
          - podSelector: {}   # trailing
        # inside from
      # before egress
      egress: []
  `),
  );
  const spec = map(get(l.root, 'spec'));
  const ingress = seq(get(spec, 'ingress'));
  const rule = map(ingress.items[0]);
  assert.equal(l.editor.indentOf(spec), 2);
  assert.equal(l.editor.indentOf(ingress), 2, 'a block sequence is laid out at its dashes');
  assert.equal(l.editor.indentOf(rule), 4, 'a map on a dash line is laid out at its first key');
  assert.equal(l.editor.lineIndent(rule.span.start), 2);
  assert.equal(l.editor.column(rule.span.start), 4);
  const from = seq(get(rule, 'from'));
  assert.equal(l.text.slice(from.span.start, l.editor.contentEnd(from)), '- podSelector: {}');
  assert.equal(l.text.slice(spec.span.start, l.editor.contentEnd(spec)).split('\n').pop(), '  egress: []');
  assert.equal(l.editor.afterColon(pair(spec, 'egress')), l.text.indexOf('egress:') + 'egress:'.length);
});

test('parents, flow context and shared nodes', () => {
  const l = load(
    y(`
    base: &sel
      app: web
    peers:
    - podSelector: *sel
    - {podSelector: {matchLabels: {app: db}}}
    merged:
      <<: *sel
      own: 1
  `),
  );
  const base = map(get(l.root, 'base'));
  assert.ok(l.editor.isShared(base), 'an anchored map used by an alias is shared');
  const peers = seq(get(l.root, 'peers'));
  assert.equal(l.editor.parentOf(peers.items[1]!)?.kind, 'item');
  const inner = map(getPath(peers.items[1], 'podSelector', 'matchLabels'));
  assert.ok(l.editor.inFlow(inner));
  assert.ok(!l.editor.inFlow(peers));
  assert.ok(!l.editor.isShared(peers));
  const merged = map(get(l.root, 'merged'));
  assert.deepEqual(
    l.editor.ownPairs(merged).map((p) => p.key.value),
    ['own'],
    'pairs that a merge key brings in are not the map own pairs',
  );
  assert.equal(l.editor.insertPair(base, 'tier', 'x'), undefined, 'no edit of an aliased value');
  assert.equal(l.editor.replaceScalar(map(base).pairs[0]!.value as SScalar, 'api'), undefined);
  assert.equal(l.editor.deletePair(merged, pair(merged, 'app')), undefined, 'no deletion of a merged pair');
});

test('shiftLines indents and dedents non-blank lines', () => {
  const l = load('a:\n  b: 1\n\n  c: 2\n');
  const start = l.text.indexOf('  b');
  const right = roundTrip(l, l.editor.shiftLines(start, l.text.length, 2));
  assert.equal(right.text, 'a:\n    b: 1\n\n    c: 2\n');
  const left = roundTrip(l, l.editor.shiftLines(start, l.text.length, -1));
  assert.equal(left.text, 'a:\n b: 1\n\n c: 2\n');
  assert.equal(l.editor.shiftLines(start, l.text.length, -3), undefined, 'not enough spaces to remove');
});

// ---------------------------------------------------------------------------------------------------------
// Edits
// ---------------------------------------------------------------------------------------------------------

const policy = y(`
  # leading comment
  apiVersion: v1
  kind: ConfigMap
  ---
  spec:   # the spec
    podSelector: {}   # all pods
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector:
          matchLabels:
            app: api
        # commented: peer
      ports:
      - port: 80
    # about egress
    egress:
    - to: []
  ---
  kind: After # stays
`);

test('insertPair at the end of a block map, before a comment at the column of its keys', () => {
  const l = load(policy, 1);
  const peer = map(seq(getPath(l.root, 'spec', 'ingress')).items[0]);
  const from = map(seq(get(peer, 'from')).items[0]);
  const r = roundTrip(l, l.editor.insertPair(from, 'namespaceSelector', { matchLabels: { team: 'a' } }), 1);
  assert.ok(
    r.text.includes(
      '          app: api\n      namespaceSelector:\n        matchLabels:\n          team: a\n      # commented: peer\n    ports:',
    ),
    r.text,
  );
  assert.deepEqual((r.data as { spec: { ingress: Array<{ from: unknown[] }> } }).spec.ingress[0]!.from[0], {
    podSelector: { matchLabels: { app: 'api' } },
    namespaceSelector: { matchLabels: { team: 'a' } },
  });
});

test('insertPair after a given key', () => {
  const l = load(policy, 1);
  const spec = map(get(l.root, 'spec'));
  const r = roundTrip(l, l.editor.insertPair(spec, 'note', 'yes', 'podSelector'), 1);
  assert.ok(
    r.text.includes('  podSelector: {}   # all pods\n  note: "yes"\n  policyTypes: [Ingress]\n'),
    r.text,
  );
  assert.deepEqual(Object.keys((r.data as { spec: object }).spec), [
    'podSelector',
    'note',
    'policyTypes',
    'ingress',
    'egress',
  ]);
  assert.equal(l.editor.insertPair(spec, 'ingress', []), undefined, 'an existing key is not added twice');
});

test('insertPair turns `key: {}` into a block map and keeps the comment on the key line', () => {
  const l = load(policy, 1);
  const selector = map(getPath(l.root, 'spec', 'podSelector'));
  const r = roundTrip(l, l.editor.insertPair(selector, 'matchLabels', { app: 'web' }), 1);
  assert.ok(
    r.text.includes('  podSelector:   # all pods\n    matchLabels:\n      app: web\n  policyTypes:'),
    r.text,
  );
  assert.deepEqual((r.data as { spec: { podSelector: unknown } }).spec.podSelector, {
    matchLabels: { app: 'web' },
  });
});

test('insertPair into flow maps writes flow text', () => {
  const l = load('peer: {podSelector: {matchLabels: {app: a}}}\nempty: [{}]\nlast: {a: 1 }\n');
  const peer = map(get(l.root, 'peer'));
  const r1 = roundTrip(
    l,
    l.editor.insertPair(peer, 'namespaceSelector', { matchLabels: { 'kubernetes.io/metadata.name': 'x' } }),
  );
  assert.equal(
    r1.text.split('\n')[0],
    'peer: {podSelector: {matchLabels: {app: a}}, namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}}',
  );
  const inner = map(seq(get(l.root, 'empty')).items[0]);
  const r2 = roundTrip(l, l.editor.insertPair(inner, 'k', 'v'));
  assert.equal(r2.text.split('\n')[1], 'empty: [{k: v}]');
  const last = map(get(l.root, 'last'));
  const r3 = roundTrip(l, l.editor.insertPair(last, 'b', 2));
  assert.equal(r3.text.split('\n')[2], 'last: {a: 1, b: 2 }');
});

test('insertPair into `- {}` writes the map after the dash', () => {
  const l = load('items:\n- {}\n- a: 1\n');
  const item = map(seq(get(l.root, 'items')).items[0]);
  const r = roundTrip(l, l.editor.insertPair(item, 'x', { v: 1 }));
  assert.equal(r.text, 'items:\n- x:\n    v: 1\n- a: 1\n');
});

test('insertPair at the end of a file without a final line break, and with CRLF', () => {
  const l = load('a: 1\nb: 2');
  assert.equal(roundTrip(l, l.editor.insertPair(map(l.root), 'c', [1])).text, 'a: 1\nb: 2\nc:\n  - 1');
  const crlf = load('spec:\r\n  a: 1\r\n# end\r\n');
  const r = roundTrip(crlf, crlf.editor.insertPair(map(get(crlf.root, 'spec')), 'b', { c: ['x'] }));
  assert.equal(r.text, 'spec:\r\n  a: 1\r\n  b:\r\n    c:\r\n      - x\r\n# end\r\n');
});

test('insertPair follows an indent unit of 4', () => {
  const l = load('spec:\n    podSelector:\n        matchLabels:\n            app: web\n');
  const r = roundTrip(l, l.editor.insertPair(map(get(l.root, 'spec')), 'policyTypes', ['Ingress']));
  assert.equal(
    r.text,
    'spec:\n    podSelector:\n        matchLabels:\n            app: web\n    policyTypes:\n        - Ingress\n',
  );
});

test('appendItem to block sequences in both styles, and insertItem after a given entry', () => {
  const compact = load('ports:\n- port: 80\n# last\n');
  const r1 = roundTrip(
    compact,
    compact.editor.appendItem(seq(get(compact.root, 'ports')), { port: 53, protocol: 'UDP' }),
  );
  assert.equal(r1.text, 'ports:\n- port: 80\n- port: 53\n  protocol: UDP\n# last\n');
  const indented = load('ports:\n  - port: 80\n  - port: 443\n');
  const r2 = roundTrip(indented, indented.editor.insertItem(seq(get(indented.root, 'ports')), 'x', 0));
  assert.equal(r2.text, 'ports:\n  - port: 80\n  - x\n  - port: 443\n');
});

test('appendItem to flow sequences, single- and multi-line, and to `[]`', () => {
  const l = load('a: [Ingress]\nb: [\n  x,\n]\nc: []\nd: [[]]\n');
  assert.equal(
    roundTrip(l, l.editor.appendItem(seq(get(l.root, 'a')), 'Egress')).text.split('\n')[0],
    'a: [Ingress, Egress]',
  );
  assert.equal(roundTrip(l, l.editor.appendItem(seq(get(l.root, 'b')), 'z')).text.split('\n')[2], '  x, z,');
  const c = roundTrip(l, l.editor.appendItem(seq(get(l.root, 'c')), { port: 53 }));
  assert.ok(c.text.includes('c:\n  - port: 53\nd:'), c.text);
  const inner = seq(seq(get(l.root, 'd')).items[0]);
  assert.equal(roundTrip(l, l.editor.appendItem(inner, 1)).text.split('\n').at(-2), 'd: [[1]]');
});

test('replaceScalar and replaceKey replace only the token', () => {
  const l = load('m:\n  name: "x"  # c\n  list: [a, b]\n  empty:\n');
  const m = map(get(l.root, 'm'));
  const name = pair(m, 'name');
  const r1 = roundTrip(l, l.editor.replaceScalar(name.value as SScalar, 'yes'));
  assert.equal(r1.text.split('\n')[1], '  name: "yes"  # c');
  const r2 = roundTrip(l, l.editor.replaceKey(name, 'kubernetes.io/metadata.name'));
  assert.equal(r2.text.split('\n')[1], '  kubernetes.io/metadata.name: "x"  # c');
  const b = seq(get(m, 'list')).items[1] as SScalar;
  assert.equal(roundTrip(l, l.editor.replaceScalar(b, 'c,d')).text.split('\n')[2], '  list: [a, "c,d"]');
  const empty = pair(m, 'empty').value as SScalar;
  assert.equal(roundTrip(l, l.editor.replaceScalar(empty, 3)).text.split('\n')[3], '  empty: 3');
});

test('setValue replaces a value in the style around it', () => {
  const l = load(
    'peer:\n  namespaceSelector: {} # any\n  old:\n    a: 1\n    b: 2\n  list:\n  - 1\nflow: {k: v}\n',
  );
  const peer = map(get(l.root, 'peer'));
  const r1 = roundTrip(
    l,
    l.editor.setValue(pair(peer, 'namespaceSelector'), {
      matchLabels: { 'kubernetes.io/metadata.name': 'db' },
    }),
  );
  assert.ok(
    r1.text.startsWith(
      'peer:\n  namespaceSelector: # any\n    matchLabels:\n      kubernetes.io/metadata.name: db\n  old:',
    ),
    r1.text,
  );
  const r2 = roundTrip(l, l.editor.setValue(pair(peer, 'old'), { c: 3 }));
  assert.ok(r2.text.includes('  old:\n    c: 3\n  list:'), r2.text);
  const r3 = roundTrip(l, l.editor.setValue(pair(peer, 'list'), []));
  assert.ok(r3.text.includes('  list: []\nflow:'), r3.text);
  const r4 = roundTrip(l, l.editor.setValue(pair(get(l.root, 'flow'), 'k'), { x: [1] }));
  assert.ok(r4.text.endsWith('flow: {k: {x: [1]}}\n'), r4.text);
});

test('deletePair removes its lines and keeps the comments around it and in it', () => {
  const l = load(policy, 1);
  const spec = map(get(l.root, 'spec'));
  const r1 = roundTrip(l, l.editor.deletePair(spec, pair(spec, 'ingress')), 1);
  // A comment inside the deleted pair (a user's note) stays, at the pair's column (issue 8).
  assert.ok(
    r1.text.includes('  policyTypes: [Ingress]\n  # commented: peer\n  # about egress\n  egress:'),
    r1.text,
  );
  assert.deepEqual(Object.keys((r1.data as { spec: object }).spec), ['podSelector', 'policyTypes', 'egress']);
  const r2 = roundTrip(l, l.editor.deletePair(spec, pair(spec, 'egress')), 1);
  assert.ok(r2.text.includes('\n    - port: 80\n  # about egress\n---\nkind: After # stays\n'), r2.text);
  // Comments on the deleted key's line, in its value and in a deleted list entry are kept too; a `#` in a
  // quoted string is not a comment.
  const c = load('a: 1\nb: # on the key\n  c: "not # a comment" # after\n  # under\nd:\n- x # first\n- y\n');
  const root = map(c.root);
  assert.equal(
    roundTrip(c, c.editor.deletePair(root, pair(root, 'b'))).text,
    'a: 1\n# on the key\n# after\n# under\nd:\n- x # first\n- y\n',
  );
  assert.equal(
    roundTrip(c, c.editor.deleteItem(seq(get(root, 'd')), 0)).text,
    'a: 1\nb: # on the key\n  c: "not # a comment" # after\n  # under\nd:\n# first\n- y\n',
  );
});

test('deletePair of the first key of a list entry moves the next key onto the dash line', () => {
  const l = load('rules:\n- from: []\n  ports: []\n- from: []\n  # about ports\n  ports: []\n');
  const rules = seq(get(l.root, 'rules'));
  const first = map(rules.items[0]);
  assert.equal(
    roundTrip(l, l.editor.deletePair(first, pair(first, 'from'))).text,
    'rules:\n- ports: []\n- from: []\n  # about ports\n  ports: []\n',
  );
  const second = map(rules.items[1]);
  assert.equal(
    roundTrip(l, l.editor.deletePair(second, pair(second, 'from'))).text,
    'rules:\n- from: []\n  ports: []\n- # about ports\n  ports: []\n',
  );
});

test('deletePair of the only key leaves an empty map; flow pairs lose their comma', () => {
  const l = load('a:\n  only: 1\nb: {p: 1, q: 2, r: 3}\nc:\n- k: v\n');
  assert.equal(
    roundTrip(l, l.editor.deletePair(map(get(l.root, 'a')), pair(get(l.root, 'a'), 'only'))).text.split(
      '\n',
    )[0],
    'a: {}',
  );
  const b = map(get(l.root, 'b'));
  assert.equal(roundTrip(l, l.editor.deletePair(b, pair(b, 'p'))).text.split('\n')[2], 'b: {q: 2, r: 3}');
  assert.equal(roundTrip(l, l.editor.deletePair(b, pair(b, 'q'))).text.split('\n')[2], 'b: {p: 1, r: 3}');
  assert.equal(roundTrip(l, l.editor.deletePair(b, pair(b, 'r'))).text.split('\n')[2], 'b: {p: 1, q: 2}');
  const entry = map(seq(get(l.root, 'c')).items[0]);
  assert.equal(roundTrip(l, l.editor.deletePair(entry, pair(entry, 'k'))).text.split('\n')[4], '- {}');
});

test('deleteItem removes an entry with its lines; the last one leaves `[]`', () => {
  const l = load('a:\n- x: 1\n  y: 2\n# between\n- z\nb: [1, 2, 3]\nc:\n  - only\n');
  const a = seq(get(l.root, 'a'));
  assert.equal(
    roundTrip(l, l.editor.deleteItem(a, 0)).text,
    'a:\n# between\n- z\nb: [1, 2, 3]\nc:\n  - only\n',
  );
  assert.equal(
    roundTrip(l, l.editor.deleteItem(a, 1)).text,
    'a:\n- x: 1\n  y: 2\n# between\nb: [1, 2, 3]\nc:\n  - only\n',
  );
  const b = seq(get(l.root, 'b'));
  assert.ok(roundTrip(l, l.editor.deleteItem(b, 1)).text.includes('b: [1, 3]'));
  assert.ok(roundTrip(l, l.editor.deleteItem(b, 2)).text.includes('b: [1, 2]'));
  assert.ok(roundTrip(l, l.editor.deleteItem(seq(get(l.root, 'c')), 0)).text.endsWith('c: []\n'));
});

test('edits of one document leave the other documents byte-identical (CRLF file)', () => {
  const text = 'a: 1\r\n---\r\nspec:\r\n  ports:\r\n  - 80 # http\r\n---\r\nz: 2\r\n';
  const l = load(text, 1);
  const r = roundTrip(l, l.editor.appendItem(seq(getPath(l.root, 'spec', 'ports')), 443), 1);
  assert.equal(r.text, 'a: 1\r\n---\r\nspec:\r\n  ports:\r\n  - 80 # http\r\n  - 443\r\n---\r\nz: 2\r\n');
  assert.deepEqual(r.data, { spec: { ports: [80, 443] } });
});

test('valueAt and pairWithKeyAt find nodes by offset', () => {
  const l = load('a:\n  b: {}\n  c: [x]\n');
  const at = l.text.indexOf('{}');
  const node = l.editor.valueAt(at);
  assert.ok(isMap(node) && node.flow);
  assert.equal(l.editor.pairWithKeyAt(l.text.indexOf('c:'))?.key.value, 'c');
  const x = l.editor.valueAt(l.text.indexOf('x'));
  assert.ok(isScalar(x) && x.value === 'x');
  assert.equal(
    l.editor.valueAt(l.text.indexOf('b:'))?.kind,
    'map',
    'the outermost value starting there: the map under a',
  );
});
