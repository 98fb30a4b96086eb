/**
 * The semantic diff (shared/diff/): connections added, removed and changed between two versions, at
 * workload and pod level, exposure toward pods beyond the workspace, address ranges compared on the
 * common refinement of both versions' ipBlocks, isolation changes, and the object changes that cause
 * each difference (with their lines); the text, JSON and markdown formats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextOf } from '../support/context.js';
import { reachDiff } from '../../shared/diff/reach-diff.js';
import type { ReachDiff } from '../../shared/diff/reach-diff.js';
import { diffJson, formatDiffMarkdown, formatDiffText, diffCounts } from '../../shared/diff/format.js';
import { withExposure } from '../../shared/reach/exposure.js';

const workloads = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: payments}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        ports: [{containerPort: 8080, name: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: payments}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        ports: [{containerPort: 5432}]
`;

/** The db's ingress policy with the given peers (YAML lines at the `from:` level). */
const dbPolicy = (from: string, ports = '5432') => `
# The database takes only what is listed.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-ingress
  namespace: payments
spec:
  podSelector:
    matchLabels:
      app: db
  policyTypes: [Ingress]
  ingress:
  - from:
${from}
    ports:
    - port: ${ports}
`;

const fromPayments = `    - podSelector: {}`;
const fromShopWeb = `    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: shop
      podSelector:
        matchLabels:
          app: web`;

function diffOf(
  before: Record<string, string>,
  after: Record<string, string>,
  level?: 'pod' | 'workload',
): ReachDiff {
  return reachDiff(contextOf(before), contextOf(after), level);
}

const lines = (d: ReachDiff) =>
  d.connections.map(
    (c) => `${c.kind} ${c.from.id} -> ${c.to.id}: ${c.before.toString()} => ${c.after.toString()}`,
  );

test('a peer added to a rule opens the connection, caused by the policy on its changed line', () => {
  const d = diffOf(
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(fromPayments) },
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(`${fromPayments}\n${fromShopWeb}`) },
  );
  assert.deepEqual(lines(d), ['added shop/web[Deployment] -> payments/db[Deployment]: no ports => TCP 5432']);
  assert.equal(d.causes.length, 1);
  const cause = d.causes[0]!;
  assert.equal(cause.name, 'NetworkPolicy payments/db-ingress');
  assert.equal(cause.change, 'modified');
  // The first added line is the namespaceSelector peer (line 15 of the later file); the earlier version
  // had `ports:` there.
  assert.deepEqual(cause.after, { file: 'p.yaml', line: 15 });
  assert.deepEqual(cause.before, { file: 'p.yaml', line: 15 });
  assert.deepEqual(cause.afterLines, [[15, 20]]);
  assert.deepEqual(d.connections[0]!.causes, [0]);
  assert.deepEqual(d.isolation, []);
});

test('comments, formatting and key order do not count as a change', () => {
  const reordered = dbPolicy(fromPayments)
    .replace('# The database takes only what is listed.', '# Reworded comment.')
    .replace('  policyTypes: [Ingress]\n', '')
    .replace('spec:\n', 'spec:\n  policyTypes:\n    - Ingress\n');
  const d = diffOf(
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(fromPayments) },
    { 'w.yaml': workloads, 'p.yaml': reordered },
  );
  assert.deepEqual(d.connections, []);
  assert.deepEqual(d.causes, []);
});

test('ports widened and narrowed are one changed connection with both port sets', () => {
  const both = `${fromPayments}\n${fromShopWeb}`;
  const d = diffOf(
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(both, '5432') },
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(both, '5000\n      endPort: 5500') },
  );
  assert.deepEqual(lines(d), [
    'changed shop/web[Deployment] -> payments/db[Deployment]: TCP 5432 => TCP 5000-5500',
  ]);
  const counts = diffCounts(d);
  assert.equal(counts.opens, 1);
  assert.equal(counts.closes, 0);
  assert.match(formatDiffText(d), /TCP 5432 → TCP 5000-5500 \(opens TCP 5000-5431,5433-5500\)/);
});

test('namespaceSelector: {} is an addition toward any pod in other namespaces', () => {
  const d = diffOf(
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(fromPayments) },
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(`${fromPayments}\n    - namespaceSelector: {}`) },
  );
  assert.deepEqual(lines(d), [
    'added */* -> payments/db[Deployment]: no ports => TCP 5432',
    'added shop/web[Deployment] -> payments/db[Deployment]: no ports => TCP 5432',
  ]);
  assert.equal(d.connections[0]!.from.description, 'any pod in other namespaces');
});

test('a removed policy closes what it allowed and ends isolation; an added default deny isolates', () => {
  const deny = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
`;
  const d = diffOf(
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(fromShopWeb) },
    { 'w.yaml': workloads, 'd.yaml': deny },
  );
  const shopToDb = d.connections.find(
    (c) => c.from.id === 'shop/web[Deployment]' && c.to.id === 'payments/db[Deployment]',
  );
  // Before: TCP 5432 from web; after: the default deny lets web send nothing.
  assert.ok(shopToDb);
  assert.equal(shopToDb.kind, 'removed');
  const names = shopToDb.causes.map((i) => d.causes[i]!.name).sort();
  assert.deepEqual(names, ['NetworkPolicy payments/db-ingress', 'NetworkPolicy shop/default-deny']);
  const isolation = d.isolation.map(
    (i) =>
      `${i.node.id} ${i.direction} ${i.before}->${i.after} ${i.causes.map((c) => d.causes[c]!.name).join(',')}`,
  );
  assert.deepEqual(isolation, [
    'payments/db[Deployment] ingress true->false NetworkPolicy payments/db-ingress',
    'shop/web[Deployment] egress false->true NetworkPolicy shop/default-deny',
  ]);
  const removed = d.causes.find((c) => c.change === 'removed')!;
  // The object starts on line 2 (its comment is line 1).
  assert.deepEqual(removed.before, { file: 'p.yaml', line: 2 });
  assert.equal(removed.after, undefined);
});

test('address ranges are compared on the common refinement of both versions', () => {
  const egress = (except: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 0.0.0.0/0
        except: [${except}]
    ports:
    - port: 443
`;
  const unrelated = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: other, namespace: payments}
spec:
  podSelector: {matchLabels: {app: none}}
  ingress:
  - from:
    - ipBlock: {cidr: 198.51.100.0/24}
`;
  const d = diffOf(
    { 'w.yaml': workloads, 'e.yaml': egress('10.0.0.0/8') },
    { 'w.yaml': workloads, 'e.yaml': egress('10.0.0.0/8, 203.0.113.0/24'), 'o.yaml': unrelated },
  );
  // The new ipBlock of another policy cuts the address space anew but changes nothing by itself.
  assert.deepEqual(lines(d), ['removed shop/web[Deployment] -> 203.0.113.0/24: TCP 443 => no ports']);
  assert.deepEqual(
    d.connections[0]!.causes.map((i) => d.causes[i]!.name),
    ['NetworkPolicy shop/web-egress'],
  );
});

test('workload label changes are causes when no policy changed; pod level names pods', () => {
  const relabelled = workloads.replace('metadata: {labels: {app: web}}', 'metadata: {labels: {app: web2}}');
  const d = diffOf(
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(fromShopWeb) },
    { 'w.yaml': relabelled, 'p.yaml': dbPolicy(fromShopWeb) },
    'pod',
  );
  assert.deepEqual(lines(d), ['removed shop/web -> payments/db: TCP 5432 => no ports']);
  assert.deepEqual(
    d.connections[0]!.causes.map((i) => `${d.causes[i]!.name}: ${d.causes[i]!.detail}`),
    ['Deployment shop/web: labels changed'],
  );
});

test('the JSON contract: ids as in reach, port entries as in reach, causes by index', () => {
  const d = diffOf(
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(fromPayments) },
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(`${fromPayments}\n${fromShopWeb}`) },
  );
  const json = diffJson(d);
  assert.deepEqual(Object.keys(json), [
    'level',
    'summary',
    'added',
    'removed',
    'changed',
    'isolation',
    'causes',
  ]);
  assert.deepEqual(json.added, [
    {
      from: 'shop/web[Deployment]',
      to: 'payments/db[Deployment]',
      ports: [{ protocol: 'TCP', port: 5432, endPort: 5432 }],
      causes: [0],
    },
  ]);
  assert.deepEqual(json.causes, [
    {
      file: 'p.yaml',
      line: 15,
      policy: 'NetworkPolicy payments/db-ingress',
      change: 'modified',
      before: { file: 'p.yaml', line: 15 },
      after: { file: 'p.yaml', line: 15 },
    },
  ]);
});

test('markdown: a marked comment with a summary line and a table per namespace; hostile text escaped', () => {
  const d = diffOf(
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(fromPayments) },
    { 'w.yaml': workloads, 'p.yaml': dbPolicy(`${fromPayments}\n${fromShopWeb}`) },
  );
  const md = formatDiffMarkdown(d);
  assert.match(md, /^<!-- netpol-scope diff -->\n/);
  assert.match(md, /\*\*Opens 1 connection\*\*/);
  assert.match(md, /#### Namespace <code>payments<\/code>: 1 opened/);
  assert.match(md, /\| 🟢 opens \| <code>shop\/web\[Deployment\]<\/code> \|/);
  const hostile: ReachDiff = {
    ...d,
    connections: d.connections.map((c) => ({
      ...c,
      from: { ...c.from, id: 'x|y`<img src=x onerror=alert(1)>' },
    })),
  };
  const escaped = formatDiffMarkdown(hostile);
  assert.ok(!escaped.includes('<img'), escaped);
  assert.ok(escaped.includes('x&#124;y&#96;&lt;img src=x onerror=alert(1)&gt;'));
  // Above twenty connections every namespace's table folds.
  const many: ReachDiff = { ...d, connections: Array.from({ length: 21 }, () => d.connections[0]!) };
  assert.match(
    formatDiffMarkdown(many),
    /<details>\n<summary>Namespace <code>payments<\/code>: 21 opened<\/summary>/,
  );
});

test('exposure keeps the policies of other APIs and service accounts of the model', () => {
  const ctx = contextOf(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: c, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
`);
  assert.equal(ctx.workspace.model.apiPolicies?.length, 1);
  assert.equal(withExposure(ctx.workspace.model).apiPolicies?.length, 1);
});
