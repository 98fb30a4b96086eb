/**
 * Explanations (shared/explain/explain.ts), through the analysis façade (shared/analysis.ts).
 *
 * References (the concept page, https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * - "By default, a pod is non-isolated for egress; all outbound connections are allowed. A pod is isolated for
 *   egress if there is any NetworkPolicy that both selects the pod and has "Egress" in its policyTypes";
 *   likewise for ingress.
 * - "If any policy or policies apply to a given pod for a given direction, the connections allowed in that
 *   direction from that pod is the union of what the applicable policies allow."
 * - "For a connection from a source pod to a destination pod to be allowed, both the egress policy on the
 *   source pod and the ingress policy on the destination pod need to allow the connection. If either side
 *   does not allow the connection, it will not happen."
 * And NetworkPolicyPort.port (API reference): "This can either be a numerical or named port on a pod."
 *
 * The manifests are written line by line so that the `file:line` values asserted below can be checked by
 * reading the line comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../shared/source/source-file.js';
import { analyze } from '../../shared/analysis.js';
import type { Analysis } from '../../shared/analysis.js';
import { explainConnection, policyRef, ruleRef } from '../../shared/explain/explain.js';
import type { Explanation, PortQuery } from '../../shared/explain/explain.js';
import type { Endpoint } from '../../shared/reach/engine.js';
import { qualifiedName } from '../../shared/model/types.js';

function endpoint(analysis: Analysis, name: string): Endpoint {
  const workload = analysis.workspace.model.workloads.find((w) => qualifiedName(w) === name);
  assert.ok(workload, `workload ${name}`);
  const cls = analysis.engine.classOf(workload);
  assert.ok(cls, `class of ${name}`);
  return { kind: 'class', cls };
}

function explain(analysis: Analysis, from: string, to: string, port?: PortQuery): Explanation {
  return explainConnection(
    analysis.engine,
    endpoint(analysis, from),
    endpoint(analysis, to),
    { from, to },
    port,
  );
}

const tcp = (port: number): PortQuery => ({ protocol: 'TCP', port });

/** prod/web (named port http = 8080), prod/client, prod/batch; web-ingress and batch-egress policies. */
const policyYaml = [
  'apiVersion: v1', // 1
  'kind: Pod', // 2
  'metadata:', // 3
  '  name: web', // 4
  '  namespace: prod', // 5
  '  labels:', // 6
  '    app: web', // 7
  'spec:', // 8
  '  containers:', // 9
  '  - name: app', // 10
  '    ports:', // 11
  '    - name: http', // 12
  '      containerPort: 8080', // 13
  '---', // 14
  'apiVersion: v1', // 15
  'kind: Pod', // 16
  'metadata:', // 17
  '  name: client', // 18
  '  namespace: prod', // 19
  '  labels:', // 20
  '    app: client', // 21
  '---', // 22
  'apiVersion: v1', // 23
  'kind: Pod', // 24
  'metadata:', // 25
  '  name: batch', // 26
  '  namespace: prod', // 27
  '  labels:', // 28
  '    app: batch', // 29
  '---', // 30
  'apiVersion: networking.k8s.io/v1', // 31
  'kind: NetworkPolicy', // 32
  'metadata:', // 33
  '  name: web-ingress', // 34
  '  namespace: prod', // 35
  'spec:', // 36
  '  podSelector:', // 37
  '    matchLabels:', // 38
  '      app: web', // 39
  '  ingress:', // 40
  '  - from:', // 41
  '    - podSelector:', // 42
  '        matchLabels:', // 43
  '          app: client', // 44
  '    ports:', // 45
  '    - port: http', // 46
  '  - from:', // 47
  '    - podSelector:', // 48
  '        matchLabels:', // 49
  '          app: batch', // 50
  '    ports:', // 51
  '    - port: metrics', // 52
  '---', // 53
  'apiVersion: networking.k8s.io/v1', // 54
  'kind: NetworkPolicy', // 55
  'metadata:', // 56
  '  name: batch-egress', // 57
  '  namespace: prod', // 58
  'spec:', // 59
  '  podSelector:', // 60
  '    matchLabels:', // 61
  '      app: batch', // 62
  '  policyTypes:', // 63
  '  - Egress', // 64
  '  egress:', // 65
  '  - to:', // 66
  '    - podSelector:', // 67
  '        matchLabels:', // 68
  '          app: web', // 69
  '    ports:', // 70
  '    - port: 8080', // 71
  '    - port: 9090', // 72
  '', // 73
].join('\n');

const analysis = analyze([new SourceFile('policy.yaml', policyYaml)]);

const clientNotIsolated =
  'Egress from prod/client: allowed (no NetworkPolicy selects prod/client with Egress in its policyTypes, so it is not isolated for egress).';

test('the manifests load without errors', () => {
  assert.deepEqual(
    analysis.findings.filter((f) => f.severity === 'error').map((f) => f.rule),
    [],
  );
});

// Policies are named by their metadata.name line, rules by the line of their list item.
test('policyRef and ruleRef name the policy and rule with file:line', () => {
  const [webIngress, batchEgress] = analysis.workspace.model.policies;
  assert.ok(webIngress && batchEgress);
  assert.equal(policyRef(webIngress), 'prod/web-ingress (policy.yaml:34)');
  assert.equal(ruleRef(webIngress, webIngress.ingress[0]!), 'prod/web-ingress ingress[0] (policy.yaml:41)');
  assert.equal(ruleRef(webIngress, webIngress.ingress[1]!), 'prod/web-ingress ingress[1] (policy.yaml:47)');
  assert.equal(policyRef(batchEgress), 'prod/batch-egress (policy.yaml:57)');
  assert.equal(ruleRef(batchEgress, batchEgress.egress[0]!), 'prod/batch-egress egress[0] (policy.yaml:66)');
});

// "When a pod is isolated for ingress, the only allowed connections into the pod are those from the pod's
// node and those allowed by the ingress list of some NetworkPolicy that applies to the pod for ingress."
test('allowed without a port: the allowed ports, the isolating policy and the matching rule', () => {
  const e = explain(analysis, 'prod/client', 'prod/web');
  assert.equal(e.allowed, true);
  assert.equal(e.ports.toString(), 'TCP 8080');
  assert.equal(
    e.text,
    [
      'prod/client → prod/web: allowed on TCP 8080.',
      '',
      clientNotIsolated,
      '',
      'Ingress to prod/web: allowed on TCP 8080.',
      '  prod/web is isolated for ingress by prod/web-ingress (policy.yaml:34).',
      '  Rule prod/web-ingress ingress[0] (policy.yaml:41) matches prod/client and allows TCP 8080.',
    ].join('\n'),
  );
});

// The named port `http` resolves to the destination's container port 8080.
test('allowed on a port: the rule that covers it', () => {
  const e = explain(analysis, 'prod/client', 'prod/web', tcp(8080));
  assert.equal(e.allowed, true);
  assert.deepEqual(e.port, { protocol: 'TCP', port: 8080 });
  assert.equal(
    e.text,
    [
      'prod/client → prod/web on TCP 8080: ALLOWED.',
      '',
      clientNotIsolated,
      '',
      'Ingress to prod/web: allowed.',
      '  prod/web is isolated for ingress by prod/web-ingress (policy.yaml:34).',
      '  Rule prod/web-ingress ingress[0] (policy.yaml:41) matches prod/client and allows TCP 8080 (covers the port).',
    ].join('\n'),
  );
});

test('denied on a port the matching rule does not open', () => {
  const e = explain(analysis, 'prod/client', 'prod/web', tcp(80));
  assert.equal(e.allowed, false);
  assert.equal(e.ports.toString(), 'TCP 8080', 'the pair is still allowed on its other ports');
  assert.equal(
    e.text,
    [
      'prod/client → prod/web on TCP 80: DENIED.',
      '',
      clientNotIsolated,
      '',
      'Ingress to prod/web: denied.',
      '  prod/web is isolated for ingress by prod/web-ingress (policy.yaml:34).',
      '  Rule prod/web-ingress ingress[0] (policy.yaml:41) matches prod/client and allows TCP 8080 (not TCP 80).',
    ].join('\n'),
  );
});

// A named port matches nothing on a pod that has no container port of that name and protocol; egress
// allowing the traffic does not help ("both the egress policy on the source pod and the ingress policy on
// the destination pod need to allow the connection").
test('denied without a port: a matching rule whose named port resolves nowhere', () => {
  const e = explain(analysis, 'prod/batch', 'prod/web');
  assert.equal(e.allowed, false);
  assert.equal(e.ports.isEmpty, true);
  assert.equal(e.verdict.egress.ports.toString(), 'TCP 8080,9090');
  assert.equal(e.verdict.ingress.ports.isEmpty, true);
  assert.equal(
    e.text,
    [
      'prod/batch → prod/web: DENIED on every port.',
      '',
      'Egress from prod/batch: allowed on TCP 8080,9090.',
      '  prod/batch is isolated for egress by prod/batch-egress (policy.yaml:57).',
      '  Rule prod/batch-egress egress[0] (policy.yaml:66) matches prod/web and allows TCP 8080,9090.',
      '',
      'Ingress to prod/web: denied.',
      '  prod/web is isolated for ingress by prod/web-ingress (policy.yaml:34).',
      '  Rule prod/web-ingress ingress[1] (policy.yaml:47) matches prod/batch but opens no port on it (its named ports do not resolve there).',
    ].join('\n'),
  );
});

// An Egress-only policy isolates its pods for egress only: batch stays non-isolated for ingress.
test('denied on a port by the egress side: no egress rule matches the destination', () => {
  const e = explain(analysis, 'prod/batch', 'prod/client', tcp(8080));
  assert.equal(e.allowed, false);
  assert.equal(
    e.text,
    [
      'prod/batch → prod/client on TCP 8080: DENIED.',
      '',
      'Egress from prod/batch: denied.',
      '  prod/batch is isolated for egress by prod/batch-egress (policy.yaml:57).',
      '  No egress rule of this policy matches prod/client.',
      '',
      'Ingress to prod/client: allowed (no NetworkPolicy selects prod/client with Ingress in its policyTypes, so it is not isolated for ingress).',
    ].join('\n'),
  );
});

// "By default, a pod is non-isolated for egress; all outbound connections are allowed." and likewise for
// ingress.
test('both sides non-isolated: allowed on all ports, with the reason for each side', () => {
  const e = explain(analysis, 'prod/web', 'prod/client');
  assert.equal(e.allowed, true);
  assert.equal(e.ports.isAll, true);
  assert.equal(e.verdict.egress.isolated, false);
  assert.equal(e.verdict.ingress.isolated, false);
  assert.equal(
    e.text,
    [
      'prod/web → prod/client: allowed on all ports.',
      '',
      'Egress from prod/web: allowed (no NetworkPolicy selects prod/web with Egress in its policyTypes, so it is not isolated for egress).',
      '',
      'Ingress to prod/client: allowed (no NetworkPolicy selects prod/client with Ingress in its policyTypes, so it is not isolated for ingress).',
    ].join('\n'),
  );
  const onPort = explain(analysis, 'prod/web', 'prod/client', { protocol: 'UDP', port: 53 });
  assert.equal(onPort.allowed, true);
  assert.equal(onPort.text.split('\n')[0], 'prod/web → prod/client on UDP 53: ALLOWED.');
});

/** prod/api isolated for ingress by two policies; prod/worker isolated for egress. */
const additiveYaml = [
  'apiVersion: v1', // 1
  'kind: List', // 2
  'items:', // 3
  '- apiVersion: v1', // 4
  '  kind: Pod', // 5
  '  metadata: {name: api, namespace: prod, labels: {app: api}}', // 6
  '- apiVersion: v1', // 7
  '  kind: Pod', // 8
  '  metadata: {name: worker, namespace: prod, labels: {app: worker}}', // 9
  '- apiVersion: v1', // 10
  '  kind: Pod', // 11
  '  metadata: {name: stranger, namespace: prod, labels: {app: stranger}}', // 12
  '- apiVersion: networking.k8s.io/v1', // 13
  '  kind: NetworkPolicy', // 14
  '  metadata:', // 15
  '    name: api-a', // 16
  '    namespace: prod', // 17
  '  spec:', // 18
  '    podSelector: {matchLabels: {app: api}}', // 19
  '    ingress:', // 20
  '    - from: [{podSelector: {matchLabels: {app: worker}}}]', // 21
  '      ports: [{port: 8080}]', // 22
  '- apiVersion: networking.k8s.io/v1', // 23
  '  kind: NetworkPolicy', // 24
  '  metadata:', // 25
  '    name: api-b', // 26
  '    namespace: prod', // 27
  '  spec:', // 28
  '    podSelector: {matchLabels: {app: api}}', // 29
  '    ingress:', // 30
  '    - from: [{podSelector: {matchLabels: {app: worker}}}]', // 31
  '      ports: [{port: 9000, endPort: 9100}]', // 32
  '- apiVersion: networking.k8s.io/v1', // 33
  '  kind: NetworkPolicy', // 34
  '  metadata:', // 35
  '    name: worker-egress', // 36
  '    namespace: prod', // 37
  '  spec:', // 38
  '    podSelector: {matchLabels: {app: worker}}', // 39
  '    policyTypes: [Egress]', // 40
  '    egress:', // 41
  '    - ports: [{port: 8080}, {port: 443}]', // 42
  '', // 43
].join('\n');

const additive = analyze([new SourceFile('additive.yaml', additiveYaml)]);

// "Network policies do not conflict; they are additive. If any policy or policies apply to a given pod for a
// given direction, the connections allowed in that direction from that pod is the union of what the
// applicable policies allow."
test('several isolating policies: every one is named, and the allowed ports are egress ∩ ingress', () => {
  assert.deepEqual(
    additive.findings.filter((f) => f.severity === 'error').map((f) => f.rule),
    [],
  );
  const e = explain(additive, 'prod/worker', 'prod/api');
  assert.equal(e.allowed, true);
  assert.equal(e.ports.toString(), 'TCP 8080');
  assert.equal(
    e.text,
    [
      'prod/worker → prod/api: allowed on TCP 8080.',
      '',
      'Egress from prod/worker: allowed on TCP 443,8080.',
      '  prod/worker is isolated for egress by prod/worker-egress (additive.yaml:36).',
      '  Rule prod/worker-egress egress[0] (additive.yaml:42) matches prod/api and allows TCP 443,8080.',
      '',
      'Ingress to prod/api: allowed on TCP 8080,9000-9100.',
      '  prod/api is isolated for ingress by prod/api-a (additive.yaml:16), prod/api-b (additive.yaml:26).',
      '  Rule prod/api-a ingress[0] (additive.yaml:21) matches prod/worker and allows TCP 8080.',
      '  Rule prod/api-b ingress[0] (additive.yaml:31) matches prod/worker and allows TCP 9000-9100.',
      '',
      'Egress also allows TCP 443, which ingress does not.',
    ].join('\n'),
  );
});

test('several isolating policies on a port: which rule covers it, and the side that denies', () => {
  const e = explain(additive, 'prod/worker', 'prod/api', tcp(9100));
  assert.equal(e.allowed, false);
  assert.equal(
    e.text,
    [
      'prod/worker → prod/api on TCP 9100: DENIED.',
      '',
      'Egress from prod/worker: denied.',
      '  prod/worker is isolated for egress by prod/worker-egress (additive.yaml:36).',
      '  Rule prod/worker-egress egress[0] (additive.yaml:42) matches prod/api and allows TCP 443,8080 (not TCP 9100).',
      '',
      'Ingress to prod/api: allowed.',
      '  prod/api is isolated for ingress by prod/api-a (additive.yaml:16), prod/api-b (additive.yaml:26).',
      '  Rule prod/api-a ingress[0] (additive.yaml:21) matches prod/worker and allows TCP 8080 (not TCP 9100).',
      '  Rule prod/api-b ingress[0] (additive.yaml:31) matches prod/worker and allows TCP 9000-9100 (covers the port).',
    ].join('\n'),
  );
});

test('several isolating policies, none matching the source', () => {
  const e = explain(additive, 'prod/stranger', 'prod/api', tcp(8080));
  assert.equal(e.allowed, false);
  assert.equal(
    e.text,
    [
      'prod/stranger → prod/api on TCP 8080: DENIED.',
      '',
      'Egress from prod/stranger: allowed (no NetworkPolicy selects prod/stranger with Egress in its policyTypes, so it is not isolated for egress).',
      '',
      'Ingress to prod/api: denied.',
      '  prod/api is isolated for ingress by prod/api-a (additive.yaml:16), prod/api-b (additive.yaml:26).',
      '  No ingress rule of these policies matches prod/stranger.',
    ].join('\n'),
  );
});
