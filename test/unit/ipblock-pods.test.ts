/**
 * Whether an ipBlock matches pods whose IPs the manifests do not show (settings.ts ipBlockPods): it
 * depends on the CNI. Calico and the upstream e2e tests apply 0.0.0.0/0 to pod IPs; Cilium does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextOf } from '../support/context.js';
import { explainConnection } from '../../shared/explain/explain.js';
import { ipBlocksMatchPods, normaliseSettings } from '../../shared/settings.js';
import type { AnalysisContext } from '../../shared/context.js';

const manifests = `
  apiVersion: v1
  kind: Pod
  metadata: {name: client, namespace: a, labels: {app: client}}
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: server, namespace: b, labels: {app: server}}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: internet-only, namespace: a}
  spec:
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock: {cidr: 0.0.0.0/0}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: private-excluded, namespace: b}
  spec:
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
`;

function explain(ctx: AnalysisContext, from: string, to: string): { allowed: boolean; text: string } {
  const pod = (name: string) => ctx.workspace.model.workloads.find((w) => w.name === name)!;
  const cls = (name: string) => ctx.engine.classOf(pod(name))!;
  const e = explainConnection(
    ctx.engine,
    { kind: 'class', cls: cls(from) },
    { kind: 'class', cls: cls(to) },
    { from, to },
    { protocol: 'TCP', port: 80 },
  );
  return { allowed: e.allowed, text: e.text };
}

test('auto follows the CNI: Cilium-based CNIs ignore, others match', () => {
  assert.equal(ipBlocksMatchPods(normaliseSettings({})), true);
  assert.equal(ipBlocksMatchPods(normaliseSettings({ cni: 'calico' })), true);
  assert.equal(ipBlocksMatchPods(normaliseSettings({ cni: 'cilium' })), false);
  assert.equal(ipBlocksMatchPods(normaliseSettings({ cni: 'gke-dataplane-v2' })), false);
  assert.equal(ipBlocksMatchPods(normaliseSettings({ cni: 'cilium', ipBlockPods: 'match' })), true);
  assert.equal(ipBlocksMatchPods(normaliseSettings({ ipBlockPods: 'ignore' })), false);
  assert.equal(normaliseSettings({ ipBlockPods: 'sometimes' }).ipBlockPods, 'auto');
});

test('0.0.0.0/0 matches pods without known IPs when the CNI does so, and the explanation says it depends on it', () => {
  const matching = explain(contextOf(manifests), 'client', 'server');
  assert.equal(matching.allowed, true);
  assert.match(matching.text, /Depends on the CNI: this takes an ipBlock that holds every address/);
  const cilium = explain(contextOf(manifests, { cni: 'cilium' }), 'client', 'server');
  assert.equal(cilium.allowed, false);
  assert.doesNotMatch(cilium.text, /Depends on the CNI/);
});

test('a block with an except never matches pods whose IPs are unknown: they may be inside the except', () => {
  const r = explain(contextOf(manifests, { ipBlockPods: 'match' }), 'server', 'client');
  assert.equal(r.allowed, false);
});
