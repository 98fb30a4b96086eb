/**
 * The reachability engine (shared/reach/engine.ts) against what it must not lose while being fast:
 * profiles shared by classes, named ports resolved per destination, external blocks cut by ipBlock
 * `except`, pairs within one class, host-network pods; and, on whole clusters, agreement with a
 * reference that applies the semantics functions pod by pod (no classes, profiles, signatures or
 * indexes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../shared/source/source-file.js';
import { analyze } from '../../shared/analysis.js';
import type { Analysis } from '../../shared/analysis.js';
import { rulesOf } from '../../shared/reach/engine.js';
import type { Endpoint, ReachabilityEngine } from '../../shared/reach/engine.js';
import { countReach } from '../../shared/reach/graph.js';
import type { ClusterModel, Direction, Workload } from '../../shared/model/types.js';
import { qualifiedName } from '../../shared/model/types.js';
import { peerMatchesWorkload, policySelects, portsOfRule } from '../../shared/semantics/policy-semantics.js';
import { PortSet } from '../../shared/semantics/port-set.js';
import { formatAddress } from '../../shared/semantics/ip-set.js';
import { dedent } from '../support/manifests.js';
import { generateFiles, sizes } from '../../bench/generate.js';

const cluster = dedent(`
  apiVersion: v1
  kind: Namespace
  metadata: {name: a, labels: {team: x, env: prod}}
  ---
  apiVersion: v1
  kind: Namespace
  metadata: {name: b, labels: {team: blue}}
  ---
  apiVersion: v1
  kind: Namespace
  metadata: {name: c}
  ---
  apiVersion: v1
  kind: List
  items:
  - {kind: Pod, metadata: {name: web-1, namespace: a, labels: {app: web}}, spec: {containers: [{ports: [{name: http, containerPort: 8080}]}]}, status: {podIP: 10.1.0.1}}
  - {kind: Pod, metadata: {name: web-2, namespace: a, labels: {app: web}}, spec: {containers: [{ports: [{name: http, containerPort: 8080}]}]}, status: {podIP: 10.1.0.2}}
  - {kind: Pod, metadata: {name: web-3, namespace: a, labels: {app: web}}, spec: {containers: [{ports: [{name: http, containerPort: 8080}]}]}, status: {podIP: 10.1.0.3}}
  - {kind: Pod, metadata: {name: web-alt, namespace: a, labels: {app: web, variant: alt}}, spec: {containers: [{ports: [{name: http, containerPort: 8081}]}]}}
  - {kind: Pod, metadata: {name: api-1, namespace: a, labels: {app: api, tier: backend}}, spec: {containers: [{ports: [{name: http, containerPort: 9090}, {name: grpc, containerPort: 9000}]}]}}
  - {kind: Pod, metadata: {name: api-2, namespace: a, labels: {app: api, tier: backend}}, spec: {containers: [{ports: [{name: http, containerPort: 9090}, {name: grpc, containerPort: 9000}]}]}}
  - {kind: Pod, metadata: {name: host, namespace: a, labels: {app: web}}, spec: {hostNetwork: true, containers: [{ports: [{name: http, containerPort: 8080}]}]}, status: {podIP: 192.168.1.5}}
  - {kind: Pod, metadata: {name: client, namespace: b, labels: {role: client}}, spec: {containers: [{}]}}
  - {kind: Pod, metadata: {name: client-v2, namespace: b, labels: {role: client, version: "2"}}, spec: {containers: [{}]}}
  - {kind: Pod, metadata: {name: db, namespace: c, labels: {tier: db}}, spec: {containers: [{ports: [{name: postgres, containerPort: 5432}, {name: postgres, containerPort: 5433, protocol: UDP}]}]}}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: web-ingress, namespace: a}
  spec:
    podSelector: {matchLabels: {app: web}}
    ingress:
    - from:
      - namespaceSelector: {matchLabels: {team: blue}}
        podSelector:
          matchExpressions:
          - {key: role, operator: In, values: [client]}
          - {key: version, operator: DoesNotExist}
      ports: [{port: http}]
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: web-no-egress, namespace: a}
  spec:
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: api-ingress, namespace: a}
  spec:
    podSelector: {matchExpressions: [{key: tier, operator: In, values: [backend]}]}
    ingress:
    - from: [{podSelector: {}}]
      ports: [{port: http}, {port: 9000, endPort: 9005}]
    - from: [{namespaceSelector: {}}]
      ports: [{port: 53, protocol: UDP}]
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: client-egress, namespace: b}
  spec:
    podSelector: {matchLabels: {role: client}}
    policyTypes: [Egress]
    egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: a}}}]
      ports: [{port: http}]
    - to: [{ipBlock: {cidr: 10.1.0.0/16, except: [10.1.0.2/32]}}]
    - to: [{ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}}]
      ports: [{port: 443}]
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: db-ingress, namespace: c}
  spec:
    podSelector: {}
    ingress:
    - from:
      - podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [db]}]}
        namespaceSelector: {matchExpressions: [{key: env, operator: Exists}]}
      ports: [{port: postgres}, {port: postgres, protocol: UDP}]
    - from: [{ipBlock: {cidr: 192.168.0.0/16}}]
      ports: [{port: 5432}]
    - ports: [{port: 6000}]
  ---
  apiVersion: extensions/v1beta1
  kind: NetworkPolicy
  metadata: {name: rejected-allow-all, namespace: a}
  spec:
    podSelector: {}
    ingress: [{}]
`);

function analysisOf(text: string): Analysis {
  return analyze([new SourceFile('cluster.yaml', text)]);
}

function pod(analysis: Analysis, name: string): Endpoint {
  const workload = analysis.workspace.model.workloads.find((w) => qualifiedName(w) === name);
  assert.ok(workload, name);
  const cls = analysis.engine.classOf(workload);
  assert.ok(cls, `class of ${name}`);
  return { kind: 'class', cls };
}

function external(engine: ReachabilityEngine, address: string): Endpoint {
  const block = engine.externalOf(address);
  assert.ok(block, address);
  return { kind: 'external', block };
}

const text = (ports: PortSet) => ports.toString();

test('classes sharing an egress profile keep their own ingress verdicts', () => {
  const analysis = analysisOf(cluster);
  const { engine } = analysis;
  const client = pod(analysis, 'b/client');
  const clientV2 = pod(analysis, 'b/client-v2');
  const web = pod(analysis, 'a/web-1');
  assert.notEqual(client.kind === 'class' && client.cls, clientV2.kind === 'class' && clientV2.cls);
  const v1 = engine.verdict(client, web);
  const v2 = engine.verdict(clientV2, web);
  // One egress profile (client-egress selects both) ...
  assert.deepEqual(
    v1.egress.isolatingPolicies.map((p) => p.name),
    ['client-egress'],
  );
  assert.equal(v1.egress.isolatingPolicies, v2.egress.isolatingPolicies);
  // ... but web's ingress rule wants no `version` label.
  assert.equal(text(engine.allowed(client, web)), 'TCP 8080');
  assert.equal(text(engine.allowed(clientV2, web)), 'no ports');
});

test('named ports resolve on each destination class, and to nothing on external blocks', () => {
  const analysis = analysisOf(cluster);
  const { engine } = analysis;
  const client = pod(analysis, 'b/client');
  // The same egress rule (`port: http`) opens 8080 on web and 9090 on api.
  assert.equal(text(engine.verdict(client, pod(analysis, 'a/web-3')).egress.ports), 'all ports'); // web-3 is in the ipBlock
  assert.equal(text(engine.verdict(client, pod(analysis, 'a/web-2')).egress.ports), 'TCP 8080'); // web-2 is excepted
  assert.equal(text(engine.verdict(client, pod(analysis, 'a/api-1')).egress.ports), 'TCP 9090');
  // web-2 and web-alt share web's ingress profile and match the same rules, on different ports.
  assert.equal(text(engine.allowed(client, pod(analysis, 'a/web-2'))), 'TCP 8080');
  assert.equal(text(engine.allowed(client, pod(analysis, 'a/web-alt'))), 'TCP 8081');
  assert.equal(text(engine.allowed(client, pod(analysis, 'a/web-2'))), 'TCP 8080');
  // Ingress on db: `port: postgres` resolves per protocol.
  const api = pod(analysis, 'a/api-1');
  const db = pod(analysis, 'c/db');
  assert.equal(text(engine.allowed(api, db)), 'TCP 5432,6000; UDP 5433');
  // An external destination has no named ports: only the numeric 443 of the IPv6 rule remains.
  assert.equal(text(engine.allowed(client, external(engine, '2001:db8:2::1'))), 'TCP 443');
});

test('ipBlock except cuts external blocks and splits pods by the blocks holding their IPs', () => {
  const analysis = analysisOf(cluster);
  const { engine } = analysis;
  const client = pod(analysis, 'b/client');
  assert.equal(text(engine.allowed(client, external(engine, '10.1.200.7'))), 'all ports');
  assert.equal(text(engine.allowed(client, external(engine, '10.1.0.2'))), 'no ports');
  assert.equal(text(engine.allowed(client, external(engine, '10.2.0.1'))), 'no ports');
  assert.equal(text(engine.allowed(client, external(engine, '2001:db8:1::5'))), 'no ports');
  assert.notEqual(engine.externalOf('10.1.0.2'), engine.externalOf('10.1.0.3'));
  assert.equal(engine.externalOf('10.1.0.1'), engine.externalOf('10.1.0.3'));
  assert.equal(engine.externalOf('not an address'), undefined);
  // web-1 and web-3 are held by the ipBlock, web-2 is excepted: two classes for identical pods.
  const classOf = (name: string) => (pod(analysis, name) as { cls: unknown }).cls;
  assert.equal(classOf('a/web-1'), classOf('a/web-3'));
  assert.notEqual(classOf('a/web-1'), classOf('a/web-2'));
  const grants = engine.verdict(client, pod(analysis, 'a/web-1')).egress.grants.map((g) => g.rule.index);
  assert.deepEqual(grants, [0, 1]);
  // The external blocks partition the address space: every address has exactly one.
  for (const block of engine.externals) {
    for (const range of block.ranges.ranges) {
      for (const value of [range.first, range.last])
        assert.equal(engine.externalOf(formatAddress(range.family, value)), block);
    }
  }
});

test('pairs within one class are judged like any other pair, and counted without self pairs', () => {
  const analysis = analysisOf(cluster);
  const { engine } = analysis;
  const api = pod(analysis, 'a/api-1');
  assert.equal(api.kind === 'class' && api.cls.members.length, 2);
  assert.equal(text(engine.allowed(api, api)), 'TCP 9000-9005,9090; UDP 53');
  const web = pod(analysis, 'a/web-1');
  assert.equal(text(engine.allowed(web, web)), 'no ports'); // web-no-egress
  // The class pair (api, api) is reachable and stands for api-1 -> api-2 and api-2 -> api-1.
  const apiSelf = engine
    .reachableFrom(api)
    .find((r) => r.dst.kind === 'class' && api.kind === 'class' && r.dst.cls === api.cls);
  assert.equal(apiSelf && text(apiSelf.ports), 'TCP 9000-9005,9090; UDP 53');
  const counts = countReach(engine);
  assert.equal(counts.pods, 10);
  assert.equal(
    counts.classPairs,
    counts.classes * counts.classes + 2 * counts.classes * counts.externalBlocks,
  );
});

test('host-network pods are never selected nor matched by pod selectors, only by ipBlocks', () => {
  const analysis = analysisOf(cluster);
  const { engine } = analysis;
  const host = pod(analysis, 'a/host');
  const client = pod(analysis, 'b/client');
  const verdict = engine.verdict(client, host);
  assert.equal(verdict.ingress.isolated, false); // web-ingress selects app=web, but not on the host network
  assert.equal(engine.verdict(host, client).egress.isolated, false);
  assert.equal(text(engine.allowed(host, pod(analysis, 'a/api-1'))), 'no ports'); // podSelector {} does not match it
  // The 192.168.0.0/16 ipBlock does match it; the last rule matches everyone.
  assert.equal(text(engine.allowed(host, pod(analysis, 'c/db'))), 'TCP 5432,6000');
});

test('rejected policies take no part', () => {
  const analysis = analysisOf(cluster);
  assert.deepEqual(
    analysis.engine.policies.map((p) => p.name),
    ['web-ingress', 'web-no-egress', 'api-ingress', 'client-egress', 'db-ingress'],
  );
});

// ---------------------------------------------------------------------------------------------------
// Agreement with a pod-by-pod reference.

/** Where a side's other end is: a pod, or an external address. */
type Other = { readonly pod: Workload } | { readonly address: string };

function referenceSide(
  model: ClusterModel,
  self: Workload,
  direction: Direction,
  other: Other,
  destination: Other,
): PortSet {
  const policies = model.policies.filter(
    (p) =>
      !p.rejected && policySelects(p, self) && (direction === 'egress' ? p.affectsEgress : p.affectsIngress),
  );
  if (policies.length === 0) return PortSet.all;
  const destinationPorts = 'pod' in destination ? destination.pod.ports : undefined;
  let ports = PortSet.none;
  for (const policy of policies) {
    for (const rule of rulesOf(policy, direction)) {
      const matches =
        rule.peers === 'all' ||
        rule.peers.some((peer) =>
          'pod' in other
            ? peerMatchesWorkload(peer, policy, other.pod, model.namespaces)
            : peer.kind === 'ipBlock' && peer.ranges.containsAddress(other.address),
        );
      if (matches) ports = ports.union(portsOfRule(rule, destinationPorts));
    }
  }
  return ports;
}

function reference(model: ClusterModel, src: Other, dst: Other): PortSet {
  const egress = 'pod' in src ? referenceSide(model, src.pod, 'egress', dst, dst) : PortSet.all;
  const ingress = 'pod' in dst ? referenceSide(model, dst.pod, 'ingress', src, dst) : PortSet.all;
  return egress.intersect(ingress);
}

function assertAgreesWithReference(analysis: Analysis): number {
  const { engine } = analysis;
  const { model } = analysis.workspace;
  const addresses = engine.externals.map((block) => {
    const first = block.ranges.ranges[0]!;
    return { block, address: formatAddress(first.family, first.first) };
  });
  let pairs = 0;
  const expectedCounts = { allowedPodPairs: 0, openPodPairs: 0, podToExternal: 0, externalToPod: 0 };
  const check = (src: Endpoint, srcOther: Other, dst: Endpoint, dstOther: Other, label: string) => {
    const expected = reference(model, srcOther, dstOther);
    assert.equal(engine.allowed(src, dst).key, expected.key, label);
    assert.equal(engine.verdict(src, dst).ports.key, expected.key, `verdict ${label}`);
    pairs++;
    if (expected.isEmpty) return;
    if (!('pod' in srcOther)) expectedCounts.externalToPod++;
    else if (!('pod' in dstOther)) expectedCounts.podToExternal++;
    else if (srcOther.pod !== dstOther.pod) {
      expectedCounts.allowedPodPairs++;
      if (expected.isAll) expectedCounts.openPodPairs++;
    }
  };
  for (const from of model.workloads) {
    const src = pod(analysis, qualifiedName(from));
    const reachable = new Map(engine.reachableFrom(src).map((r) => [r.dst, r.ports.key]));
    for (const to of model.workloads) {
      const dst = pod(analysis, qualifiedName(to));
      check(src, { pod: from }, dst, { pod: to }, `${qualifiedName(from)} -> ${qualifiedName(to)}`);
    }
    for (const { block, address } of addresses) {
      check(
        src,
        { pod: from },
        { kind: 'external', block },
        { address },
        `${qualifiedName(from)} -> ${address}`,
      );
      check(
        { kind: 'external', block },
        { address },
        src,
        { pod: from },
        `${address} -> ${qualifiedName(from)}`,
      );
    }
    // reachableFrom lists exactly the destinations with some allowed port.
    for (const [dst, key] of reachable) assert.equal(engine.allowed(src, dst).key, key);
    const expectedCount = engine.classes.filter(
      (cls) => !engine.allowed(src, { kind: 'class', cls }).isEmpty,
    ).length;
    const externals = engine.externals.filter(
      (block) => !engine.allowed(src, { kind: 'external', block }).isEmpty,
    ).length;
    assert.equal(reachable.size, expectedCount + externals, `reachableFrom ${qualifiedName(from)}`);
  }
  // Pod-level counts derived from class sizes equal the pod-by-pod counts.
  const { allowedPodPairs, openPodPairs, podToExternal, externalToPod } = countReach(engine);
  assert.deepEqual({ allowedPodPairs, openPodPairs, podToExternal, externalToPod }, expectedCounts);
  return pairs;
}

test('agrees with the pod-by-pod reference on the edge-case cluster', () => {
  assert.ok(assertAgreesWithReference(analysisOf(cluster)) > 100);
});

for (const seed of [1, 7]) {
  test(`agrees with the pod-by-pod reference on a generated cluster (seed ${seed})`, () => {
    const generated = generateFiles(sizes['small']!, seed);
    const analysis = analyze(generated.files.map((f) => new SourceFile(f.name, f.text)));
    assert.equal(analysis.workspace.model.workloads.length, 100);
    assert.ok(analysis.engine.classes.length < 100, 'replicas share classes');
    assert.ok(assertAgreesWithReference(analysis) > 10_000);
  });
}
