/**
 * Loading manifest text (shared/parse/yaml-loader.ts) and recognising Kubernetes objects in it
 * (shared/parse/kube-objects.ts).
 *
 * References: Kubernetes reads manifests with sigs.k8s.io/yaml, i.e. go-yaml v2 (YAML 1.1 scalars, merge
 * keys) converted to JSON (https://github.com/kubernetes-sigs/yaml); merge keys per
 * https://yaml.org/type/merge.html; `kubectl get -o yaml` prints several objects as `kind: List`
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#collections).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../shared/source/source-file.js';
import { defaultLoadLimits, loadManifests } from '../../shared/parse/yaml-loader.js';
import type { LoadedFile } from '../../shared/parse/yaml-loader.js';
import { objectAnchor, objectsOfDocument } from '../../shared/parse/kube-objects.js';
import type { KubeObject } from '../../shared/parse/kube-objects.js';
import { get, getPath, isMap, toPlain } from '../../shared/parse/snode.js';
import type { SNode } from '../../shared/parse/snode.js';
import { textOf } from '../support/manifests.js';

/** Loads text exactly as given (no dedent), so that offsets in assertions are offsets in the string. */
function loadText(text: string, path = 'm.yaml', limits = defaultLoadLimits): LoadedFile {
  return loadManifests(new SourceFile(path, text), limits);
}

function objectsOf(loaded: LoadedFile): KubeObject[] {
  return loaded.documents.flatMap((d) => objectsOfDocument(loaded.file, d));
}

function rootOf(loaded: LoadedFile, index = 0): SNode {
  const root = loaded.documents[index]?.root;
  assert.ok(root, `document ${index} has content`);
  return root;
}

/**
 * True when a document has no content. ManifestDocument.root is documented as undefined for an empty
 * document; an empty document after `---` comes back as an implicit null scalar, which is equally empty.
 */
function isEmptyDocument(d: LoadedFile['documents'][number]): boolean {
  const root = d.root;
  return (
    !d.broken && (root === undefined || (root.kind === 'scalar' && root.value === null && root.implicit))
  );
}

function spanText(loaded: LoadedFile, node: SNode | undefined): string {
  assert.ok(node, 'node exists');
  return textOf(loaded.file, node.span);
}

/** Offset of the n-th (0-based) occurrence of `needle` in `text`. */
function offsetOf(text: string, needle: string, occurrence = 0): number {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" occurs ${occurrence + 1} times`);
  }
  return at;
}

// `kubectl apply -f` reads every `---`-separated document of a file.
test('a multi-document file yields one document per `---`, with their objects in order', () => {
  const text = [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    '  name: prod',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: web',
    '  namespace: prod',
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    '  name: deny',
    '  namespace: prod',
    'spec: {}',
    '',
  ].join('\n');
  const loaded = loadText(text);
  assert.deepEqual(loaded.problems, []);
  assert.deepEqual(
    loaded.documents.map((d) => [d.index, d.broken]),
    [
      [0, false],
      [1, false],
      [2, false],
    ],
  );
  assert.deepEqual(
    objectsOf(loaded).map((o) => [o.apiVersion, o.kind, o.name, o.namespace, o.inList]),
    [
      ['v1', 'Namespace', 'prod', undefined, false],
      ['v1', 'Pod', 'web', 'prod', false],
      ['networking.k8s.io/v1', 'NetworkPolicy', 'deny', 'prod', false],
    ],
  );
  assert.deepEqual(
    objectsOf(loaded).map((o) => o.document.index),
    [0, 1, 2],
  );
});

test('spans point at the exact text of keys, values, maps and pairs', () => {
  const text = 'kind: Pod\nmetadata:\n  name: web # the web pod\n  labels:\n    app: "web"\n';
  const loaded = loadText(text);
  const root = rootOf(loaded);
  const name = getPath(root, 'metadata', 'name');
  assert.deepEqual(name?.span, { start: offsetOf(text, 'web'), end: offsetOf(text, 'web') + 3 });
  assert.equal(spanText(loaded, name), 'web', 'a trailing comment is not part of the value');
  assert.equal(
    spanText(loaded, getPath(root, 'metadata', 'labels', 'app')),
    '"web"',
    'quotes are part of a quoted scalar',
  );
  assert.equal(spanText(loaded, get(root, 'kind')), 'Pod');
  assert.ok(isMap(root));
  assert.deepEqual(
    root.pairs.map((p) => spanText(loaded, p.key)),
    ['kind', 'metadata'],
  );
  assert.equal(textOf(loaded.file, root.pairs[0]!.span), 'kind: Pod');
  assert.equal(loaded.file.lineColumn(name!.span.start).line, 3);
  assert.equal(loaded.file.where(name!.span.start), 'm.yaml:3');
  const obj = objectsOf(loaded)[0]!;
  assert.equal(
    textOf(loaded.file, objectAnchor(obj)),
    'web',
    'an object is anchored at its metadata.name value',
  );
});

test('an object without metadata.name is anchored at its kind', () => {
  const loaded = loadText('apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: x\n');
  const obj = objectsOf(loaded)[0]!;
  assert.equal(obj.name, undefined);
  assert.equal(textOf(loaded.file, objectAnchor(obj)), 'Pod');
});

// JSON is YAML (YAML 1.2 is a superset of JSON; kubectl accepts JSON manifests).
test('JSON input loads with spans on the JSON text', () => {
  const text =
    '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p", "labels": {"n": "1"}},\n  "spec": {"priority": 5}\n}\n';
  const loaded = loadText(text, 'pod.json');
  assert.deepEqual(loaded.problems, []);
  const root = rootOf(loaded);
  assert.ok(isMap(root));
  assert.equal(root.flow, true);
  const kind = get(root, 'kind');
  assert.deepEqual(kind?.span, { start: offsetOf(text, '"Pod"'), end: offsetOf(text, '"Pod"') + 5 });
  assert.equal(spanText(loaded, getPath(root, 'metadata', 'name')), '"p"');
  const label = getPath(root, 'metadata', 'labels', 'n');
  assert.ok(label?.kind === 'scalar');
  assert.equal(label.value, '1');
  assert.equal(label.quoted, true);
  assert.deepEqual(toPlain(getPath(root, 'spec')!), { priority: 5 });
  assert.deepEqual(
    objectsOf(loaded).map((o) => [o.kind, o.name]),
    [['Pod', 'p']],
  );
});

// `kubectl get pods,networkpolicies -A -o yaml` prints `kind: List` whose items carry their own kind.
test('kind: List yields its items, which share the List document', () => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: Pod',
    '  metadata:',
    '    name: web',
    '    namespace: prod',
    '- apiVersion: networking.k8s.io/v1',
    '  kind: NetworkPolicy',
    '  metadata:',
    '    name: deny',
    '    namespace: prod',
    '- just a string',
    '- metadata:',
    '    name: no-kind',
    'metadata:',
    '  resourceVersion: ""',
    '',
  ].join('\n');
  const loaded = loadText(text);
  const objects = objectsOf(loaded);
  assert.deepEqual(
    objects.map((o) => [o.apiVersion, o.kind, o.name, o.namespace, o.inList, o.document.index]),
    [
      ['v1', 'Pod', 'web', 'prod', true, 0],
      ['networking.k8s.io/v1', 'NetworkPolicy', 'deny', 'prod', true, 0],
    ],
  );
  assert.equal(textOf(loaded.file, objectAnchor(objects[1]!)), 'deny');
  assert.equal(loaded.file.where(objectAnchor(objects[1]!).start), 'm.yaml:12');
});

// Typed lists such as PodList (`kubectl get pods -o json` through some tools, API list responses) have
// items without `apiVersion`/`kind`: the item kind is the list kind without `List`.
test('PodList items lacking kind and apiVersion are Pods of the list apiVersion', () => {
  const text = [
    'apiVersion: v1',
    'kind: PodList',
    'items:',
    '- metadata:',
    '    name: a',
    '    namespace: prod',
    '- metadata:',
    '    name: b',
    '  kind: Pod',
    '  apiVersion: v1',
    '',
  ].join('\n');
  const loaded = loadText(text);
  assert.deepEqual(
    objectsOf(loaded).map((o) => [o.apiVersion, o.kind, o.name, o.namespace, o.inList]),
    [
      ['v1', 'Pod', 'a', 'prod', true],
      ['v1', 'Pod', 'b', undefined, true],
    ],
  );
  // A NetworkPolicyList does the same for policies.
  const policies = loadText(
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n- metadata: {name: p}\n',
  );
  assert.deepEqual(
    objectsOf(policies).map((o) => [o.apiVersion, o.kind, o.name]),
    [['networking.k8s.io/v1', 'NetworkPolicy', 'p']],
  );
});

test('a document without kind is not a Kubernetes object', () => {
  const loaded = loadText('replicaCount: 3\nimage: nginx\n---\n- a\n- b\n---\nplain scalar\n');
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.documents.length, 3);
  assert.deepEqual(objectsOf(loaded), []);
});

test('comments are ignored, including comment-only documents', () => {
  const text =
    '# header\nkind: Pod # trailing\n# between\nmetadata:\n  # inside\n  name: web\n---\n# only a comment\n---\nkind: Service\nmetadata: {name: s}\n';
  const loaded = loadText(text);
  assert.deepEqual(loaded.problems, []);
  assert.deepEqual(toPlain(rootOf(loaded, 0)), { kind: 'Pod', metadata: { name: 'web' } });
  assert.equal(isEmptyDocument(loaded.documents[1]!), true);
  assert.deepEqual(
    objectsOf(loaded).map((o) => [o.kind, o.name]),
    [
      ['Pod', 'web'],
      ['Service', 's'],
    ],
  );
});

// Aliases are resolved to the anchored node; the alias shares it, so its spans point at the anchor.
test('aliases resolve to the anchored content, with spans at the anchor', () => {
  const text =
    'kind: Pod\nmetadata:\n  name: &n web\n  labels:\n    app: *n\n    copy: &m {tier: front}\nspec:\n  again: *m\n';
  const loaded = loadText(text);
  assert.deepEqual(loaded.problems, []);
  const root = rootOf(loaded);
  const app = getPath(root, 'metadata', 'labels', 'app');
  assert.ok(app?.kind === 'scalar');
  assert.equal(app.value, 'web');
  assert.deepEqual(app.span, getPath(root, 'metadata', 'name')!.span);
  assert.equal(app.span.start, offsetOf(text, 'web'));
  assert.equal(spanText(loaded, app), 'web');
  const again = getPath(root, 'spec', 'again');
  assert.equal(again, getPath(root, 'metadata', 'labels', 'copy'), 'the alias is the anchored node itself');
  assert.equal(spanText(loaded, again), '{tier: front}');
  assert.deepEqual(toPlain(root), {
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web', copy: { tier: 'front' } } },
    spec: { again: { tier: 'front' } },
  });
});

// Merge keys (https://yaml.org/type/merge.html): "The "<<" merge key is used to indicate that all the keys of
// one or more specified maps should be inserted into the current map. If the value associated with the key
// is a single mapping node, each of its key/value pairs is inserted into the current mapping, unless the key
// already exists in it. ... Keys in mapping nodes earlier in the sequence override keys specified in later
// mapping nodes."
test('merge keys insert the keys of the merged maps; explicit keys and earlier maps win', () => {
  const text = [
    'common: &common',
    '  app: web',
    '  tier: frontend',
    'extra: &extra',
    '  tier: cache',
    '  team: core',
    'single:',
    '  <<: *common',
    '  tier: backend',
    'several:',
    '  <<: [*common, *extra]',
    '',
  ].join('\n');
  const loaded = loadText(text);
  assert.deepEqual(loaded.problems, []);
  const root = rootOf(loaded);
  assert.deepEqual(toPlain(get(root, 'single')!), { tier: 'backend', app: 'web' });
  assert.deepEqual(toPlain(get(root, 'several')!), { app: 'web', tier: 'frontend', team: 'core' });
  // A merged value keeps the span of the merged map's text.
  const app = getPath(root, 'single', 'app');
  assert.equal(app?.span.start, offsetOf(text, 'web'));
  assert.equal(getPath(root, 'several', 'team')?.span.start, offsetOf(text, 'core'));
});

// go-yaml v2 (which Kubernetes uses) resolves YAML 1.1 scalars: `yes`/`no`/`on`/`off` are booleans and
// `0777` is octal; quoting keeps a string.
test('YAML 1.1 scalars: yes/on are booleans, 0777 is octal, quoted text stays a string', () => {
  const text =
    'a: yes\nb: "yes"\nc: on\nd: off\ne: No\nf: 0777\ng: 0x1F\nh: 80\ni: "80"\nj: true\nk: ~\nl:\nm: null\n';
  const loaded = loadText(text);
  const root = rootOf(loaded);
  assert.deepEqual(toPlain(root), {
    a: true,
    b: 'yes',
    c: true,
    d: false,
    e: false,
    f: 511,
    g: 31,
    h: 80,
    i: '80',
    j: true,
    k: null,
    l: null,
    m: null,
  });
  const scalar = (key: string) => {
    const node = get(root, key);
    assert.ok(node?.kind === 'scalar');
    return node;
  };
  assert.equal(scalar('b').quoted, true);
  assert.equal(scalar('a').quoted, false);
  assert.equal(scalar('l').implicit, true, '`l:` with nothing after it is an implicit null');
  assert.equal(scalar('k').implicit, false, '`~` is an explicit null');
  assert.equal(scalar('m').implicit, false);
});

// One bad `---` document must not hide the others: kubectl reports the broken one and the rest still
// parse.
test('a syntax error in one document does not affect the others', () => {
  const text =
    'kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: [b\n---\nkind: Pod\nmetadata: {name: c}\n';
  const loaded = loadText(text);
  assert.deepEqual(
    loaded.documents.map((d) => [d.index, d.broken, d.root === undefined]),
    [
      [0, false, false],
      [1, true, true],
      [2, false, false],
    ],
  );
  assert.deepEqual(
    objectsOf(loaded).map((o) => o.name),
    ['a', 'c'],
  );
  assert.ok(loaded.problems.length >= 1);
  for (const problem of loaded.problems) {
    assert.equal(problem.code, 'yaml-syntax');
    assert.equal(problem.severity, 'error');
    assert.match(problem.message, /^YAML syntax error: /);
    // The problem lies inside the broken (second) document.
    assert.ok(
      problem.span.start >= offsetOf(text, '---') && problem.span.start < offsetOf(text, '---', 1) + 3,
      JSON.stringify(problem),
    );
  }
});

// The API server rejects a JSON object with a duplicate field (strict field validation); the loader keeps
// the document (with the last value, as go-yaml does) and reports the repeated key at its second spelling.
test('a duplicate key is reported at the repeated key and the document stays usable', () => {
  const text = 'kind: Pod\nmetadata:\n  name: a\n  name: b\n';
  const loaded = loadText(text);
  assert.equal(loaded.problems.length, 1);
  const problem = loaded.problems[0]!;
  assert.equal(problem.code, 'yaml-duplicate-key');
  assert.equal(problem.severity, 'error');
  assert.equal(problem.span.start, offsetOf(text, 'name', 1));
  assert.equal(loaded.documents[0]!.broken, false);
  assert.equal(objectsOf(loaded)[0]!.name, 'b');
});

test('a duplicate key problem spans the whole repeated key', () => {
  const text = 'kind: Pod\nmetadata:\n  name: a\n  name: b\n';
  const loaded = loadText(text);
  assert.equal(textOf(loaded.file, loaded.problems[0]!.span), 'name');
});

// Helm chart templates are not YAML until rendered: one info problem, nothing analysed.
test('a Helm template becomes one info problem and is not parsed', () => {
  const text =
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n  namespace: {{ .Release.Namespace }}\n{{- if .Values.x }}\n';
  const loaded = loadText(text);
  assert.deepEqual(loaded.documents, []);
  assert.equal(loaded.problems.length, 1);
  const problem = loaded.problems[0]!;
  assert.equal(problem.code, 'helm-template');
  assert.equal(problem.severity, 'info');
  assert.equal(problem.span.start, offsetOf(text, '{{'));
  assert.match(textOf(loaded.file, problem.span), /^\{\{ \./);
  // Braces that are not template directives are ordinary YAML.
  assert.deepEqual(loadText('a: "{not a template}"\nb: {c: d}\n').problems, []);
});

test('Go templates inside string values are data, not Helm: alert and legend templates are analysed', () => {
  const rule =
    'kind: PrometheusRule\nspec:\n  groups:\n    - rules:\n        - annotations:\n            description: ' +
    'Volume {{ $labels.persistentvolumeclaim }} {{ with $labels.cluster -}} on {{ . }} {{- end }} is full.\n' +
    '          legend: "{{instance}} Total"\n# a comment {{ like this }}\n';
  const loaded = loadText(rule);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.documents.length, 1);
  // Structure built by a directive is a template, even without chart data.
  const shaped = loadText('kind: ConfigMap\n{{ if true }}\ndata: {}\n{{ end }}\n');
  assert.deepEqual(
    shaped.problems.map((p) => p.code),
    ['helm-template'],
  );
  // Chart data anywhere, even quoted, is a template.
  const quoted = loadText('kind: ConfigMap\nmetadata:\n  name: "{{ .Release.Name }}-config"\n');
  assert.deepEqual(
    quoted.problems.map((p) => p.code),
    ['helm-template'],
  );
});

test('a `{{` outside the values of one document leaves out that document only; the others are analysed', () => {
  const text =
    'kind: ConfigMap\nmetadata:\n  name: plain\n---\nkind: Pod\nmetadata:\n  name: {{ .name }}\n---\nkind: Secret\nmetadata:\n  name: also-plain\n';
  const loaded = loadText(text);
  assert.deepEqual(
    objectsOf(loaded).map((o) => o.kind),
    ['ConfigMap', 'Secret'],
  );
  assert.deepEqual(
    loaded.problems.map((p) => [p.code, p.severity, textOf(loaded.file, p.span)]),
    [['helm-template', 'info', '{{']],
  );
  assert.match(loaded.problems[0]!.message, /This document is a template/);
});

test('empty and whitespace-only files have no documents and no problems', () => {
  for (const text of ['', '\n\n', '   \n', '# comment only\n']) {
    const loaded = loadText(text);
    assert.deepEqual(loaded.problems, [], JSON.stringify(text));
    assert.deepEqual(objectsOf(loaded), [], JSON.stringify(text));
    assert.deepEqual(loaded.documents, [], JSON.stringify(text));
  }
  const separators = loadText('---\n---\n');
  assert.deepEqual(separators.problems, []);
  assert.equal(separators.documents.length, 2);
  assert.ok(separators.documents.every(isEmptyDocument));
});

test('a file over the size limit is not parsed and gets one warning on its first line', () => {
  const limits = { maxFileChars: 100, maxAliasNodes: 1000, maxDepth: 256 };
  const line = 'kind: Pod\n';
  const over = loadText(line.repeat(11), 'big.yaml', limits);
  assert.deepEqual(over.documents, []);
  assert.equal(over.problems.length, 1);
  assert.equal(over.problems[0]!.code, 'file-too-large');
  assert.equal(over.problems[0]!.severity, 'warning');
  assert.deepEqual(over.problems[0]!.span, { start: 0, end: 9 });
  assert.match(over.problems[0]!.message, /limit/);
  // Exactly at the limit is still parsed.
  const at = loadText(line.repeat(10), 'ok.yaml', limits);
  assert.equal(at.problems.filter((p) => p.code === 'file-too-large').length, 0);
  assert.equal(at.documents.length, 1);
});

// "Billion laughs": nine levels of nine aliases expand to 9^9 nodes. It must be refused quickly, not
// expanded, and only its own document is lost.
test('an alias bomb finishes fast, reports yaml-alias-bomb and spares the other documents', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    const prev = String.fromCharCode(96 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const text = `kind: Pod\nmetadata: {name: before}\n---\n${lines.join('\n')}\n---\nkind: Pod\nmetadata: {name: after}\n`;
  const started = performance.now();
  const loaded = loadText(text);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
  const bombs = loaded.problems.filter((p) => p.code === 'yaml-alias-bomb');
  assert.equal(bombs.length, 1);
  assert.equal(bombs[0]!.severity, 'error');
  assert.match(textOf(loaded.file, bombs[0]!.span), /^\*[a-i]$/, 'the problem points at an alias');
  assert.deepEqual(
    loaded.documents.map((d) => d.broken),
    [false, true, false],
  );
  assert.equal(loaded.documents[1]!.root, undefined);
  assert.deepEqual(
    objectsOf(loaded).map((o) => o.name),
    ['before', 'after'],
  );

  // The budget is a limit: a small custom limit trips on a small expansion, a normal alias use does not.
  const small = loadText('a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n', 'small.yaml', {
    maxFileChars: 1000,
    maxAliasNodes: 10,
    maxDepth: 256,
  });
  assert.deepEqual(
    small.problems.map((p) => p.code),
    ['yaml-alias-bomb'],
  );
  const fine = loadText('a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n', 'fine.yaml', {
    maxFileChars: 1000,
    maxAliasNodes: 100,
    maxDepth: 256,
  });
  assert.deepEqual(fine.problems, []);
  assert.deepEqual(toPlain(rootOf(fine)), {
    a: [1, 2, 3, 4],
    b: [
      [1, 2, 3, 4],
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ],
  });
});

// The same bomb built from merge keys.
test('an alias bomb made of merge keys is refused too', () => {
  const lines = ['m0: &m0 {a: 1, b: 2}'];
  for (let i = 1; i < 30; i++)
    lines.push(`m${i}: &m${i} {k${i}: [*m${i - 1}, *m${i - 1}], <<: [*m${i - 1}, *m${i - 1}]}`);
  const started = performance.now();
  const loaded = loadText(`${lines.join('\n')}\n`);
  assert.ok(performance.now() - started < 2000);
  assert.deepEqual(
    loaded.problems.map((p) => p.code),
    ['yaml-alias-bomb'],
  );
});

// ManifestDocument.span: "The document's extent in the file, separators excluded."
test('document spans exclude the `---` separators', () => {
  const text = 'kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b}\n';
  const loaded = loadText(text);
  assert.equal(textOf(loaded.file, loaded.documents[1]!.span).startsWith('kind: Pod'), true);
});

// go-yaml (sigs.k8s.io/yaml) refuses an anchor whose value contains itself: "anchor 'x' value contains
// itself". Converting it naively recurses without end.
test('an alias inside the collection its anchor names is a yaml-alias-cycle, not a stack overflow', () => {
  const cases = [
    'a: &x\n  b: *x\n', // the case from the fuzzer
    'a: &x [1, *x]\n', // flow sequence
    'a: &x\n  <<: *x\n  b: 1\n', // through a merge key
    'a: &x\n  b:\n    c: [{d: *x}]\n', // deeper down
  ];
  for (const text of cases) {
    const loaded = loadText(
      `kind: Pod\nmetadata: {name: before}\n---\n${text}---\nkind: Pod\nmetadata: {name: after}\n`,
    );
    assert.deepEqual(
      loaded.problems.map((p) => p.code),
      ['yaml-alias-cycle'],
      text,
    );
    assert.equal(loaded.problems[0]!.severity, 'error');
    assert.equal(textOf(loaded.file, loaded.problems[0]!.span), '*x', 'the problem points at the alias');
    assert.deepEqual(
      loaded.documents.map((d) => d.broken),
      [false, true, false],
    );
    assert.deepEqual(
      objectsOf(loaded).map((o) => o.name),
      ['before', 'after'],
    );
  }
  // An alias after its anchor's collection closed is a plain reuse, and an anchor redefined later is
  // resolved to the latest definition before the alias (YAML 1.2 §7.1, as the `yaml` package does).
  const reuse = loadText('a: &x {b: 1}\nc: *x\nd: &x [2]\ne: *x\n');
  assert.deepEqual(reuse.problems, []);
  assert.deepEqual(toPlain(rootOf(reuse)), { a: { b: 1 }, c: { b: 1 }, d: [2], e: [2] });
});

test('nesting deeper than the limit is a yaml-too-deep warning, in block and flow style, on both paths', () => {
  const depth = (n: number) => ({
    block: `a:${Array.from({ length: n }, (_, i) => `\n${' '.repeat(i + 1)}k${i}:`).join('')} 1\n`,
    flow: `a: ${'['.repeat(n)}${']'.repeat(n)}\n`,
    seq: `${Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i)}-`).join('\n')} x\n`,
  });
  for (const n of [300, 3000]) {
    for (const [style, text] of Object.entries(depth(n))) {
      const loaded = loadText(`kind: Pod\nmetadata: {name: before}\n---\n${text}`);
      const codes = loaded.problems.map((p) => p.code);
      assert.deepEqual(codes, ['yaml-too-deep'], `${style} ${n}`);
      assert.equal(loaded.problems[0]!.severity, 'warning');
      assert.equal(loaded.documents[1]!.broken, true);
      assert.equal(loaded.documents[1]!.root, undefined);
      assert.deepEqual(
        objectsOf(loaded).map((o) => o.name),
        ['before'],
      );
    }
  }
  // Within the limit: parsed, on the fast path (block) and the general one (flow) alike.
  for (const [style, text] of Object.entries(depth(defaultLoadLimits.maxDepth - 2))) {
    const loaded = loadText(text);
    assert.deepEqual(loaded.problems, [], style);
    assert.ok(loaded.documents[0]!.root, style);
  }
  // The limit counts levels: a custom limit of 3 takes `a: {b: 1}` (3 levels) and refuses one more.
  const limits = { ...defaultLoadLimits, maxDepth: 3 };
  assert.deepEqual(loadText('a:\n  b: 1\n', 'm.yaml', limits).problems, []);
  assert.deepEqual(
    loadText('a:\n  b:\n    c: 1\n', 'm.yaml', limits).problems.map((p) => p.code),
    ['yaml-too-deep'],
  );
  // An alias that puts a deep subtree deeper still counts the sum.
  const aliased = loadText('a: &x {b: {c: 1}}\nd: {e: *x}\n', 'm.yaml', {
    ...defaultLoadLimits,
    maxDepth: 4,
  });
  assert.deepEqual(
    aliased.problems.map((p) => p.code),
    ['yaml-too-deep'],
  );
});
