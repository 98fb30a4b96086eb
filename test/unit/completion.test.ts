/**
 * Completion of label keys and values in NetworkPolicy selectors (shared/features/completion.ts), on
 * text as it is while being typed: a bare word under matchLabels (which YAML reads as the value of
 * matchLabels), `key: ` with nothing after it, a new key after existing ones (a syntax error until the
 * colon is typed), unclosed flow maps and lists.
 *
 * Scopes (NetworkPolicy API reference): spec.podSelector selects pods of the policy's namespace; a peer's
 * podSelector without namespaceSelector matches pods of the policy's namespace, with one the pods of the
 * matching namespaces; namespaceSelector matches namespace labels, which always include
 * `kubernetes.io/metadata.name` (https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name).
 * The shop workspace (test/support/shop-fixture.ts): shop has frontend and frontend-canary (app=frontend,
 * tier=web), cart (app=carts, tier=api) and debug (app=debug, with hostile note/desc labels); payments has
 * db (app=db, tier=data) and api (app=api, tier=api); monitoring has prometheus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionsAt, quoteLabel } from '../../shared/features/completion.js';
import type { Completion } from '../../shared/features/completion.js';
import { cursorInText } from '../support/shop-fixture.js';

const head = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: new
  namespace: shop
spec:
`;

/** Completions at the `|` of a NetworkPolicy (the head above plus `spec`), added to the shop workspace. */
function complete(spec: string, base?: Record<string, string>): { items: Completion[]; text: string } {
  const cursor = cursorInText('new.yaml', `${head.slice(1)}${spec.replace(/^\n/, '')}`, base);
  return { items: completionsAt(cursor.ctx, cursor.file, cursor.offset), text: cursor.file.text };
}

/** `kind label [detail] -> "insert" replacing "text"`. */
function show(spec: string, base?: Record<string, string>): string[] {
  const { items, text } = complete(spec, base);
  return items.map(
    (i) =>
      `${i.kind} ${i.label} [${i.detail}] -> ${JSON.stringify(i.insertText)} replacing ${JSON.stringify(text.slice(i.replace.start, i.replace.end))}`,
  );
}

const shopKeys = (replacing: string, suffix = ': ') => [
  `labelKey app [4 workloads] -> "app${suffix}" replacing "${replacing}"`,
  `labelKey tier [3 workloads] -> "tier${suffix}" replacing "${replacing}"`,
  `labelKey desc [1 workload] -> "desc${suffix}" replacing "${replacing}"`,
  `labelKey note [1 workload] -> "note${suffix}" replacing "${replacing}"`,
  `labelKey track [1 workload] -> "track${suffix}" replacing "${replacing}"`,
];

const appValues = (replacing: string) => [
  `labelValue frontend [2 workloads] -> "frontend" replacing "${replacing}"`,
  `labelValue carts [1 workload] -> "carts" replacing "${replacing}"`,
  `labelValue debug [1 workload] -> "debug" replacing "${replacing}"`,
];

test('podSelector keys: a partly typed key (parsed as the value of matchLabels)', () => {
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      ap|
`),
    shopKeys('ap'),
  );
});

test('podSelector keys: on an empty line under matchLabels, and after existing keys (a syntax error)', () => {
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      |
`),
    shopKeys(''),
  );
  // `t` after `app: frontend` does not parse; keys already used are not offered again.
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      app: frontend
      t|
  policyTypes: [Ingress]
`),
    shopKeys('t').slice(1),
  );
});

test('podSelector keys: editing an existing key inserts the key alone', () => {
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      ti|er: web
`),
    shopKeys('tier', ''),
  );
});

test('podSelector values: after `key: `, partly typed, quoted, and without the space yet', () => {
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      app: |
`),
    appValues(''),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      app: fr|
  ingress: []
`),
    appValues('fr'),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      app: "fr|"
`),
    appValues('fr'),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      tier:|
`),
    [
      'labelValue web [2 workloads] -> " web" replacing ""',
      'labelValue api [1 workload] -> " api" replacing ""',
    ],
  );
});

test('podSelector in flow style: keys and values inside `{}`, closed or not', () => {
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels: {app: |}
`),
    appValues(''),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels: {app: fr|
`),
    appValues('fr'),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels: {|}
`),
    shopKeys(''),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels: {app: frontend, tr|}
`),
    shopKeys('tr').slice(1),
  );
  assert.deepEqual(
    show(`
  podSelector: {matchLabels: {tier: |}}
`),
    [
      'labelValue web [2 workloads] -> "web" replacing ""',
      'labelValue api [1 workload] -> "api" replacing ""',
    ],
  );
});

test('podSelector matchExpressions: the key, and the values of that key', () => {
  assert.deepEqual(
    show(`
  podSelector:
    matchExpressions:
    - key: |
      operator: In
`),
    shopKeys('', ''),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchExpressions:
    - {key: a|, operator: Exists}
`),
    shopKeys('a', ''),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchExpressions:
    - key: app
      operator: In
      values:
      - |
`),
    appValues(''),
  );
  // Values already listed are not offered again; the open flow list does not parse.
  assert.deepEqual(
    show(`
  podSelector:
    matchExpressions:
    - key: app
      operator: NotIn
      values: [frontend, |
`),
    appValues('').slice(1),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchExpressions:
    - key: app
      operator: In
      values:
      - frontend
      - de|
`),
    appValues('de').slice(1),
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchExpressions:
    - key: tier
      operator: In
      values: |
`),
    [
      'labelValue web [2 workloads] -> "[web]" replacing ""',
      'labelValue api [1 workload] -> "[api]" replacing ""',
    ],
  );
});

test('peer namespaceSelector: namespace labels, including kubernetes.io/metadata.name', () => {
  assert.deepEqual(
    show(`
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          |
`),
    [
      'labelKey kubernetes.io/metadata.name [3 namespaces] -> "kubernetes.io/metadata.name: " replacing ""',
      'labelKey team [3 namespaces] -> "team: " replacing ""',
      'labelKey env [2 namespaces] -> "env: " replacing ""',
    ],
  );
  assert.deepEqual(
    show(`
  podSelector: {}
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: |
`),
    [
      'labelValue monitoring [1 namespace] -> "monitoring" replacing ""',
      'labelValue payments [1 namespace] -> "payments" replacing ""',
      'labelValue shop [1 namespace] -> "shop" replacing ""',
    ],
  );
  assert.deepEqual(
    show(`
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions:
        - key: team
          operator: In
          values: [sre, |]
`),
    [
      'labelValue payments [1 namespace] -> "payments" replacing ""',
      'labelValue storefront [1 namespace] -> "storefront" replacing ""',
    ],
  );
});

test('peer podSelector: the policy namespace alone, or the namespaces its namespaceSelector matches', () => {
  // Without namespaceSelector: workloads of shop (the policy's namespace).
  assert.deepEqual(
    show(`
  podSelector: {}
  egress:
  - to:
    - podSelector:
        matchLabels:
          |
`),
    shopKeys(''),
  );
  // With namespaceSelector team=payments: db and api.
  assert.deepEqual(
    show(`
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          team: payments
      podSelector:
        matchLabels:
          app: |
`),
    ['labelValue api [1 workload] -> "api" replacing ""', 'labelValue db [1 workload] -> "db" replacing ""'],
  );
  // namespaceSelector {}: every namespace's workloads.
  assert.deepEqual(
    show(`
  podSelector: {}
  egress:
  - to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          tier: |
`),
    [
      'labelValue api [2 workloads] -> "api" replacing ""',
      'labelValue web [2 workloads] -> "web" replacing ""',
      'labelValue data [1 workload] -> "data" replacing ""',
    ],
  );
  // Flow style peer in the policy namespace.
  assert.deepEqual(
    show(`
  podSelector: {}
  ingress:
  - from:
    - podSelector: {matchLabels: {tier: |}}
`),
    [
      'labelValue web [2 workloads] -> "web" replacing ""',
      'labelValue api [1 workload] -> "api" replacing ""',
    ],
  );
});

test('hostile and YAML-special labels: quoted insert text, escaped documentation', () => {
  const { items } = complete(`
  podSelector:
    matchLabels:
      note: |
`);
  assert.equal(items.length, 1);
  assert.equal(items[0]!.label, '<img src=x onerror=alert(1)>');
  assert.equal(items[0]!.insertText, '"<img src=x onerror=alert(1)>"');
  assert.equal(items[0]!.documentation, 'note\\=\\<img src\\=x onerror\\=alert\\(1\\)\\> on shop/debug');
  const desc = complete(`
  podSelector:
    matchLabels:
      desc: |
`).items;
  assert.equal(desc[0]!.insertText, '"*[x](y)*"');
  assert.equal(desc[0]!.documentation, 'desc\\=\\*\\[x\\]\\(y\\)\\* on shop/debug');

  const keys = complete(`
  podSelector:
    matchLabels:
      |
`).items;
  const note = keys.find((k) => k.label === 'note')!;
  assert.equal(note.documentation, 'Values: \\<img src\\=x onerror\\=alert\\(1\\)\\> (1)');
  const app = keys.find((k) => k.label === 'app')!;
  assert.equal(app.documentation, 'Values: frontend (2), carts (1), debug (1)');

  // YAML 1.1 would read these as booleans, numbers or null: they are quoted.
  assert.equal(quoteLabel('yes'), '"yes"');
  assert.equal(quoteLabel('on'), '"on"');
  assert.equal(quoteLabel('1.0'), '"1.0"');
  assert.equal(quoteLabel('0755'), '"0755"');
  assert.equal(quoteLabel('null'), '"null"');
  assert.equal(quoteLabel('app.kubernetes.io/name'), 'app.kubernetes.io/name');
  assert.equal(quoteLabel('web-1'), 'web-1');
  const special = complete(
    `
  podSelector:
    matchLabels:
      enabled: |
`,
    {
      'pods.yaml': `
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: shop, labels: {enabled: "true", version: "2"}}
      `,
    },
  ).items;
  assert.deepEqual(
    special.map((i) => i.insertText),
    ['"true"'],
  );
});

test('no completion outside label positions or outside NetworkPolicies', () => {
  assert.deepEqual(
    show(`
  podSelector:
    ma|
`),
    [],
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchExpressions:
    - key: app
      operator: |
`),
    [],
  );
  assert.deepEqual(
    show(`
  podSelector:
    matchLabels:
      # a comment |
`),
    [],
  );
  assert.deepEqual(
    show(`
  podSelector: {}
  policyTypes:
  - |
`),
    [],
  );
  const deployment = cursorInText(
    'deploy.yaml',
    `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: x, namespace: shop}
      spec:
        selector:
          matchLabels:
            |
    `,
  );
  assert.deepEqual(completionsAt(deployment.ctx, deployment.file, deployment.offset), []);
});

test('a NetworkPolicy inside a List, and a document after another', () => {
  const list = cursorInText(
    'list.yaml',
    `
      apiVersion: v1
      kind: List
      items:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: x, namespace: payments}
        spec:
          podSelector:
            matchLabels:
              app: |
    `,
  );
  assert.deepEqual(
    completionsAt(list.ctx, list.file, list.offset).map((i) => i.label),
    ['api', 'db'],
  );
  const second = cursorInText(
    'two.yaml',
    `
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: c}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: x, namespace: monitoring}
      spec:
        podSelector:
          matchLabels:
            app: pro|
    `,
  );
  const items = completionsAt(second.ctx, second.file, second.offset);
  assert.deepEqual(
    items.map((i) => [i.label, i.detail, i.documentation]),
    [['prometheus', '1 workload', 'app\\=prometheus on monitoring/prometheus']],
  );
});
