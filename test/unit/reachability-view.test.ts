import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { contextOf } from '../support/context.js';
import { repoRoot } from '../support/cli.js';
import {
  CLUSTER_DNS_ID,
  explainPayload,
  makeLocationOf,
  reachabilityPayload,
} from '../../shared/features/reachability-view.js';

const locationOf = makeLocationOf((path) => `file:///ws/${path}`);

test('workloads that are the cluster DNS are marked; no virtual DNS node then', () => {
  const dir = join(repoRoot, 'examples/shop');
  const files = Object.fromEntries(
    readdirSync(dir).map((f) => [`shop/${f}`, readFileSync(join(dir, f), 'utf8')]),
  );
  const payload = reachabilityPayload(contextOf(files), 'workload', locationOf, 7);
  assert.equal(payload.generation, 7);
  const dns = payload.nodes.filter((n) => n.dns);
  assert.deepEqual(
    dns.map((n) => n.id),
    ['kube-system/coredns[Deployment]'],
  );
  assert.ok(!payload.nodes.some((n) => n.id === CLUSTER_DNS_ID));
  const cart = payload.nodes.find((n) => n.id === 'shop/cart[Deployment]')!;
  assert.equal(cart.location?.uri, 'file:///ws/shop/workloads.yaml');
  assert.equal(cart.location?.label, 'shop/workloads.yaml:26');
});

const noDns = `
  apiVersion: v1
  kind: Pod
  metadata: {name: api, namespace: app, labels: {app: api}}
  spec: {containers: [{name: c, image: x}]}
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: batch, namespace: app, labels: {app: batch}}
  spec: {containers: [{name: c, image: x}]}
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: app, labels: {app: web}}
  spec: {containers: [{name: c, image: x}]}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: api-egress, namespace: app}
  spec:
    podSelector: {matchLabels: {app: api}}
    policyTypes: [Egress]
    egress:
      - to:
          - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
            podSelector: {matchLabels: {k8s-app: kube-dns}}
        ports:
          - {port: 53, protocol: UDP}
          - {port: 53, protocol: TCP}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: batch-deny, namespace: app}
  spec:
    podSelector: {matchLabels: {app: batch}}
    policyTypes: [Egress]
`;

test('without DNS pods in the workspace, a virtual cluster DNS node is reached per each egress side', () => {
  const payload = reachabilityPayload(contextOf(noDns), 'pod', locationOf, 1);
  const dns = payload.nodes.find((n) => n.id === CLUSTER_DNS_ID)!;
  assert.equal(dns.kind, 'DNS');
  assert.equal(dns.dns, true);
  assert.equal(dns.namespace, 'kube-system');
  const toDns = payload.edges
    .filter((e) => e.to === CLUSTER_DNS_ID)
    .map((e) => [e.from, e.all, e.ports.map((p) => `${p.protocol} ${p.port}-${p.endPort}`)]);
  assert.deepEqual(toDns, [
    ['app/api', false, ['TCP 53-53', 'UDP 53-53']],
    ['app/web', true, ['TCP 1-65535', 'UDP 1-65535', 'SCTP 1-65535']],
  ]);
});

test('explaining a pair with the virtual DNS names the egress rule that reaches it', () => {
  const ctx = contextOf(noDns);
  const api = explainPayload(ctx, 'pod', 'app/api', CLUSTER_DNS_ID, locationOf, {
    protocol: 'UDP',
    port: 53,
  })!;
  assert.equal(api.allowed, true);
  assert.deepEqual(
    api.egress.rules.map((r) => [r.policy, r.direction, r.index, r.covers, r.location.label]),
    [['app/api-egress', 'egress', 0, true, 'test.yaml:23']],
  );
  assert.match(api.text, /app\/api → cluster DNS on UDP 53: ALLOWED/);
  const batch = explainPayload(ctx, 'pod', 'app/batch', CLUSTER_DNS_ID, locationOf)!;
  assert.equal(batch.allowed, false);
  assert.equal(batch.egress.isolated, true);
  assert.deepEqual(
    batch.egress.policies.map((p) => p.name),
    ['app/batch-deny'],
  );
  assert.match(batch.text, /no egress rule reaches the DNS/);
});

test('explaining two workloads returns both sides with rule locations', () => {
  const dir = join(repoRoot, 'examples/shop');
  const files = Object.fromEntries(
    readdirSync(dir).map((f) => [`shop/${f}`, readFileSync(join(dir, f), 'utf8')]),
  );
  const result = explainPayload(
    contextOf(files),
    'workload',
    'shop/frontend[Deployment]',
    'shop/cart[Deployment]',
    locationOf,
    { protocol: 'TCP', port: 7070 },
  )!;
  assert.equal(result.allowed, true);
  assert.equal(result.egress.isolated, true);
  assert.deepEqual(
    result.ingress.rules.filter((r) => r.covers).map((r) => [r.policy, r.index, r.location.uri]),
    [['shop/cart', 0, 'file:///ws/shop/policies.yaml']],
  );
  assert.equal(
    explainPayload(contextOf(files), 'workload', 'nope', 'shop/cart[Deployment]', locationOf),
    undefined,
  );
});

test('the view judges traffic among the pods of one node where policies decide it: a self edge, or none', () => {
  const text = readFileSync(join(repoRoot, 'test/fixtures/cli/replicas.yaml'), 'utf8');
  const ctx = contextOf({ 'replicas.yaml': text });
  const payload = reachabilityPayload(ctx, 'workload', locationOf, 1);
  assert.deepEqual(
    payload.nodes.filter((n) => n.replicas).map((n) => n.id),
    ['data/kafka[StatefulSet]', 'data/pg[StatefulSet]'],
  );
  const self = payload.edges.filter((e) => e.from === e.to);
  // Kafka brokers on 9093; the Postgres replicas not at all (no edge); the open Deployment and the
  // single Pod are not judged.
  assert.deepEqual(
    self.map((e) => [e.from, e.ports]),
    [['data/kafka[StatefulSet]', [{ protocol: 'TCP', port: 9093, endPort: 9093 }]]],
  );
  const explained = explainPayload(
    ctx,
    'workload',
    'data/pg[StatefulSet]',
    'data/pg[StatefulSet]',
    locationOf,
  );
  assert.equal(explained?.allowed, false);
  assert.match(explained?.text ?? '', /isolated for ingress by data\/pg-from-apps/);
});

test('with exposure, explanations are decided by the engine the view drew: a stand-in that the graph shows reaching a pod is explained as allowed', () => {
  const text = readFileSync(join(repoRoot, 'test/fixtures/cli/exposure.yaml'), 'utf8');
  const ctx = contextOf({ 'exposure.yaml': text }, { exposure: true });
  const payload = reachabilityPayload(ctx, 'workload', locationOf, 1);
  const from = '*{team=billing}/*{role=reporter}';
  const edge = payload.edges.find((e) => e.from === from && e.to === 'payments/db[Deployment]');
  assert.deepEqual(edge?.ports, [{ protocol: 'TCP', port: 5432, endPort: 5432 }]);
  const explained = explainPayload(ctx, 'workload', from, 'payments/db[Deployment]', locationOf);
  assert.equal(explained?.allowed, true);
  assert.deepEqual(explained?.ports, edge?.ports);
  assert.match(explained?.text ?? '', /stands for pods the workspace does not show/);
});
