/**
 * Code lenses (shared/features/code-lens.ts): one per NetworkPolicy, on the first line of the object.
 *
 * Semantics behind the titles (NetworkPolicy API reference and the concept page,
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/): policyTypes defaults to
 * Ingress, plus Egress when the policy has egress rules, so an egress-only policy without policyTypes
 * also denies all ingress to the pods it selects; an isolated direction without rules denies everything;
 * a rule without `from`/`to` matches every peer; rejected policies have no effect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLenses } from '../../shared/features/code-lens.js';
import { SourceFile } from '../../shared/source/source-file.js';
import type { AnalysisContext } from '../../shared/context.js';
import { contextOf, fileOf } from '../support/context.js';
import { shopContext } from '../support/shop-fixture.js';

/** `line: first-line-text => title` for every lens of a file. */
function lenses(ctx: AnalysisContext, path: string): string[] {
  const file = fileOf(ctx, path);
  return codeLenses(ctx, file).map(
    (l) => `${file.lineColumn(l.span.start).line}: ${file.slice(l.span)} => ${l.title}`,
  );
}

test('the shop policies: selection, isolation and peers at workload level', () => {
  const shop = shopContext();
  assert.deepEqual(lenses(shop, 'shop/policies.yaml'), [
    '1: apiVersion: networking.k8s.io/v1 => selects 4 workloads · denies all ingress · denies all egress',
    // team=sre matches monitoring (prometheus); the ipBlock counts apart.
    '10: apiVersion: networking.k8s.io/v1 => selects 2 workloads · ingress from 1 workload + 1 IP block · not isolating egress',
    // app=cart selects nothing (the Deployment is labelled app=carts); its ingress rules are ignored.
    '34: apiVersion: networking.k8s.io/v1 => selects 0 workloads · not isolating ingress · egress to 1 workload',
    // policyTypes omitted with egress rules: Ingress and Egress, and no ingress rule.
    '57: apiVersion: networking.k8s.io/v1 => selects 2 workloads · denies all ingress · egress to 2 workloads + 1 IP block',
  ]);
  assert.deepEqual(lenses(shop, 'payments/policies.yaml'), [
    // team=storefront: the 4 shop workloads; app=api in payments: 1; the ipBlock apart.
    '1: apiVersion: networking.k8s.io/v1 => selects 1 workload · ingress from 5 workloads + 1 IP block · not isolating egress',
    '23: apiVersion: networking.k8s.io/v1 => rejected by the API server: see problems',
  ]);
  assert.deepEqual(lenses(shop, 'shop/apps.yaml'), []);
});

test('rules matching every peer, duplicates, and objects inside a List', () => {
  const ctx = contextOf({
    'pods.yaml': `
      apiVersion: v1
      kind: Pod
      metadata: {name: a, namespace: ns, labels: {app: a}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b, namespace: ns, labels: {app: b}}
    `,
    'p.yaml': `
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: open, namespace: ns}
      spec:
        podSelector: {matchLabels: {app: a}}
        policyTypes: [Ingress, Egress]
        ingress:
        - {}
        egress:
        - to:
          - ipBlock: {cidr: 10.0.0.0/8}
          - ipBlock: {cidr: 10.0.0.0/8}
          - ipBlock: {cidr: 192.168.0.0/16}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: open, namespace: ns}
      spec:
        podSelector: {}
        ingress:
        - from:
          - podSelector: {}
      ---
      apiVersion: v1
      kind: List
      items:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: listed, namespace: ns}
        spec:
          podSelector: {matchLabels: {app: b}}
          egress:
          - to:
            - namespaceSelector: {}
    `,
  });
  assert.deepEqual(lenses(ctx, 'p.yaml'), [
    // The first definition of ns/open is replaced by the second (a namespace holds one object per name).
    '1: apiVersion: networking.k8s.io/v1 => rejected by the API server: see problems',
    '15: apiVersion: networking.k8s.io/v1 => selects 2 workloads · ingress from 2 workloads · not isolating egress',
    // The List item's object starts after its `- `.
    '27: apiVersion: networking.k8s.io/v1 => selects 1 workload · denies all ingress · egress to 2 workloads',
  ]);
  const single = contextOf({
    'p.yaml': `
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: open, namespace: ns}
      spec:
        podSelector: {}
        policyTypes: [Ingress, Egress]
        ingress:
        - ports: [{port: 80}]
        egress:
        - to:
          - ipBlock: {cidr: 10.0.0.0/8}
          - ipBlock: {cidr: 10.0.0.0/8}
          - ipBlock: {cidr: 192.168.0.0/16}
    `,
  });
  assert.deepEqual(lenses(single, 'p.yaml'), [
    // A rule without `from` matches every source; the two equal ipBlocks count once.
    '1: apiVersion: networking.k8s.io/v1 => selects 0 workloads · ingress from anywhere · egress to 0 workloads + 2 IP blocks',
  ]);
});

test('lenses are quick on a large workspace', () => {
  const pods = Array.from(
    { length: 2000 },
    (_, i) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ns${i % 20}, labels: {app: a${i % 50}}}`,
  ).join('\n---\n');
  const policies = Array.from(
    { length: 100 },
    (_, i) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: ns${i % 20}}\nspec:\n  podSelector: {matchLabels: {app: a${i % 50}}}\n  ingress:\n  - from:\n    - namespaceSelector: {}\n      podSelector: {matchLabels: {app: a${(i + 1) % 50}}}\n    - podSelector: {}`,
  ).join('\n---\n');
  const ctx = contextOf({ 'pods.yaml': pods, 'policies.yaml': policies });
  const file = fileOf(ctx, 'policies.yaml');
  codeLenses(ctx, file);
  const started = performance.now();
  const result = codeLenses(ctx, file);
  const elapsed = performance.now() - started;
  assert.equal(result.length, 100);
  // p0 (ns0) selects app=a0 in ns0: pods with i % 100 == 0, 20 of them. Its peers: app=a1 in any namespace
  // (i % 50 == 1: 40 pods, all odd) or every pod of ns0 (i % 20 == 0: 100 pods, all even): 140 in all.
  assert.equal(result[0]!.title, 'selects 20 workloads · ingress from 140 workloads · not isolating egress');
  assert.ok(elapsed < 500, `took ${elapsed.toFixed(0)} ms`);
});

test('no lenses for another version of the file than the one analysed', () => {
  const shop = shopContext();
  const analysed = fileOf(shop, 'shop/policies.yaml');
  assert.equal(codeLenses(shop, new SourceFile(analysed.path, analysed.text)).length, 4);
  assert.deepEqual(codeLenses(shop, new SourceFile(analysed.path, `# edited\n${analysed.text}`)), []);
});
