/**
 * The cluster model and NetworkPolicy semantics: shared/model/build-policy.ts, shared/model/build-cluster.ts
 * (with build-workload.ts) and shared/semantics/policy-semantics.ts.
 *
 * References:
 * - NetworkPolicy API reference, https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/
 *   (text of staging/src/k8s.io/api/networking/v1/types.go) and its defaulting,
 *   pkg/apis/networking/v1/defaults.go (SetDefaults_NetworkPolicy, SetDefaults_NetworkPolicyPort);
 * - the concept page, https://kubernetes.io/docs/concepts/services-networking/network-policies/;
 * - the automatic namespace label, https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../shared/source/source-file.js';
import { buildWorkspace, METADATA_NAME_LABEL } from '../../shared/model/build-cluster.js';
import type { BuildOptions, Workspace } from '../../shared/model/build-cluster.js';
import { qualifiedName } from '../../shared/model/types.js';
import type { NetworkPolicy, PolicyRule, Workload } from '../../shared/model/types.js';
import {
  peerMatchesWorkload,
  policySelects,
  portsOfRule,
  resolveNamedPort,
  ruleHasNamedPorts,
} from '../../shared/semantics/policy-semantics.js';
import { rulesOf } from '../../shared/reach/engine.js';
import { dedent, textOf } from '../support/manifests.js';

function build(yaml: string, options: BuildOptions = {}, path = 'm.yaml'): Workspace {
  return buildWorkspace([new SourceFile(path, dedent(yaml))], options);
}

function policyNamed(ws: Workspace, name: string): NetworkPolicy {
  const found = ws.model.policies.filter((p) => qualifiedName(p) === name && !p.rejected);
  assert.equal(found.length, 1, `one effective policy ${name}`);
  return found[0]!;
}

function workloadNamed(ws: Workspace, name: string): Workload {
  const found = ws.model.workloads.filter((w) => qualifiedName(w) === name);
  assert.equal(found.length, 1, `one workload ${name}`);
  return found[0]!;
}

/** The workloads (by `namespace/name`) that some peer of the rule matches; every workload for 'all'. */
function peersOf(ws: Workspace, policy: NetworkPolicy, rule: PolicyRule): string[] {
  return ws.model.workloads
    .filter(
      (w) =>
        rule.peers === 'all' ||
        rule.peers.some((peer) => peerMatchesWorkload(peer, policy, w, ws.model.namespaces)),
    )
    .map(qualifiedName);
}

/** The workloads the policy selects. */
function selectedBy(ws: Workspace, policy: NetworkPolicy): string[] {
  return ws.model.workloads.filter((w) => policySelects(policy, w)).map(qualifiedName);
}

function types(policy: NetworkPolicy): string {
  return [policy.affectsIngress ? 'Ingress' : '', policy.affectsEgress ? 'Egress' : '']
    .filter(Boolean)
    .join(',');
}

const apiErrors = (ws: Workspace) =>
  ws.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message}`);

// ---------------------------------------------------------------------------------------------------------
// policyTypes

// policyTypes: "If this field is not specified, it will default based on the existence of ingress or egress
// rules; policies that contain an egress section are assumed to affect egress, and all policies (whether or
// not they contain an ingress section) are assumed to affect ingress." SetDefaults_NetworkPolicy tests
// `len(obj.Spec.PolicyTypes) == 0` and then `len(obj.Spec.Egress) != 0`.
test('policyTypes absent: Ingress always, Egress only when the egress list is non-empty', () => {
  const ws = build(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: empty-spec, namespace: ns}
    spec: {}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: ingress-only, namespace: ns}
    spec:
      podSelector: {}
      ingress:
      - {}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: with-egress, namespace: ns}
    spec:
      podSelector: {}
      egress:
      - to:
        - ipBlock: {cidr: 10.0.0.0/8}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: empty-egress, namespace: ns}
    spec:
      podSelector: {}
      egress: []
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: empty-types, namespace: ns}
    spec:
      podSelector: {}
      policyTypes: []
      egress:
      - {}
  `);
  const summary = (name: string) => {
    const p = policyNamed(ws, `ns/${name}`);
    return [types(p), p.policyTypesExplicit];
  };
  assert.deepEqual(summary('empty-spec'), ['Ingress', false]);
  assert.deepEqual(summary('ingress-only'), ['Ingress', false]);
  assert.deepEqual(summary('with-egress'), ['Ingress,Egress', false]);
  // `egress: []` is an empty list: len(Egress) == 0, so Egress is not added.
  assert.deepEqual(summary('empty-egress'), ['Ingress', false]);
  // `policyTypes: []` has length 0 and is defaulted like an absent field.
  assert.deepEqual(summary('empty-types'), ['Ingress,Egress', false]);
});

// "If you want to write an egress-only policy, you must explicitly specify policyTypes [ "Egress" ].
// Likewise, if you want to write a policy that specifies that no egress is allowed, you must specify a
// policyTypes value that include "Egress"".
test('explicit policyTypes are taken as written, and rules of other types are ignored', () => {
  const ws = build(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: egress-only, namespace: ns}
    spec:
      podSelector: {}
      policyTypes: [Egress]
      ingress:
      - {}
      egress:
      - {}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-all, namespace: ns}
    spec:
      podSelector: {}
      policyTypes:
      - Ingress
      - Egress
  `);
  const egressOnly = policyNamed(ws, 'ns/egress-only');
  assert.deepEqual([types(egressOnly), egressOnly.policyTypesExplicit], ['Egress', true]);
  assert.equal(
    rulesOf(egressOnly, 'ingress').length,
    0,
    'ingress rules of an Egress-only policy are ignored',
  );
  assert.equal(rulesOf(egressOnly, 'egress').length, 1);
  const denyAll = policyNamed(ws, 'ns/deny-all');
  assert.deepEqual([types(denyAll), denyAll.policyTypesExplicit], ['Ingress,Egress', true]);
  assert.deepEqual([denyAll.ingress.length, denyAll.egress.length], [0, 0]);
});

// ---------------------------------------------------------------------------------------------------------
// Rules: from/to and ports

// NetworkPolicyIngressRule.from: "If this field is empty or missing, this rule matches all sources (traffic
// not restricted by source)."; NetworkPolicyEgressRule.to: "If this field is empty or missing, this rule
// matches all destinations"; ports: "If this field is empty or missing, this rule matches all ports
// (traffic not restricted by port)."
test('from/to absent or empty match all peers; ports absent or empty match all ports', () => {
  const ws = build(`
    apiVersion: v1
    kind: Pod
    metadata: {name: a, namespace: ns}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: b, namespace: other}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: ns}
    spec:
      podSelector: {}
      policyTypes: [Ingress, Egress]
      ingress:
      - {}
      - from: []
        ports: []
      - from: null
      egress:
      - ports:
        - port: 53
          protocol: UDP
      - to: []
  `);
  const p = policyNamed(ws, 'ns/p');
  assert.deepEqual(
    p.ingress.map((r) => [r.peers, r.ports]),
    [
      ['all', 'all'],
      ['all', 'all'],
      ['all', 'all'],
    ],
  );
  assert.deepEqual(
    p.egress.map((r) => r.peers),
    ['all', 'all'],
  );
  for (const rule of [...p.ingress, ...p.egress]) assert.deepEqual(peersOf(ws, p, rule), ['ns/a', 'other/b']);
  assert.equal(portsOfRule(p.ingress[0]!, []).isAll, true);
  assert.equal(portsOfRule(p.egress[0]!, []).toString(), 'UDP 53');
  assert.equal(portsOfRule(p.egress[1]!, []).isAll, true);
});

// "If this field is empty then this NetworkPolicy does not allow any traffic (and serves solely to ensure
// that the pods it selects are isolated by default)" (spec.ingress).
test('an empty ingress list has no rules at all', () => {
  const ws = build(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny, namespace: ns}
    spec:
      podSelector: {}
      ingress: []
  `);
  const p = policyNamed(ws, 'ns/deny');
  assert.deepEqual(p.ingress, []);
  assert.equal(p.affectsIngress, true);
});

// NetworkPolicyPort.protocol: "If not specified, this field defaults to TCP."; port: "If this field is not
// provided, this matches all port names and numbers. If present, only traffic on the specified protocol
// AND port will be matched."
test('protocol defaults to TCP; a port without number is every port of its protocol', () => {
  const ws = build(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: ns}
    spec:
      podSelector: {}
      ingress:
      - ports:
        - port: 80
      - ports:
        - protocol: UDP
          port: 53
      - ports:
        - protocol: SCTP
      - ports:
        - {}
      - ports:
        - port: 443
          protocol: null
  `);
  const p = policyNamed(ws, 'ns/p');
  const first = p.ingress[0]!;
  assert.ok(first.ports !== 'all');
  assert.equal(first.ports[0]!.protocol, 'TCP');
  assert.deepEqual(
    p.ingress.map((r) => portsOfRule(r, []).toString()),
    ['TCP 80', 'UDP 53', 'SCTP all', 'TCP all', 'TCP 443'],
  );
  const tcp80 = portsOfRule(first, []);
  assert.equal(tcp80.has('TCP', 80), true);
  assert.equal(tcp80.has('UDP', 80), false);
  assert.equal(tcp80.has('SCTP', 80), false);
});

// endPort: "endPort indicates that the range of ports from port to endPort if set, inclusive, should be
// allowed by the policy." (the concept page's example: 32000 to 32768)
test('endPort opens the inclusive range from port to endPort', () => {
  const ws = build(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: multi-port-egress, namespace: default}
    spec:
      podSelector:
        matchLabels:
          role: db
      policyTypes:
      - Egress
      egress:
      - to:
        - ipBlock:
            cidr: 10.0.0.0/24
        ports:
        - protocol: TCP
          port: 32000
          endPort: 32768
  `);
  const rule = policyNamed(ws, 'default/multi-port-egress').egress[0]!;
  const ports = portsOfRule(rule, undefined);
  assert.equal(ports.toString(), 'TCP 32000-32768');
  assert.deepEqual(
    [31999, 32000, 32768, 32769].map((port) => ports.has('TCP', port)),
    [false, true, true, false],
  );
});

// NetworkPolicyPort.port: "This can either be a numerical or named port on a pod." A named port resolves on
// the destination pod, against its container ports of the same protocol (ContainerPort.protocol defaults to
// TCP); a name that the pod does not carry for that protocol matches nothing on it.
test('named ports resolve against the destination container ports of the same protocol', () => {
  const ws = build(`
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: ns, labels: {app: web}}
    spec:
      containers:
      - name: app
        ports:
        - {name: http, containerPort: 8080}
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: metrics, containerPort: 9090, protocol: UDP}
      - name: sidecar
        ports:
        - {name: admin, containerPort: 9901}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: legacy, namespace: ns, labels: {app: web}}
    spec:
      containers:
      - name: app
        ports:
        - {name: http, containerPort: 80}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: bare, namespace: ns}
    spec:
      containers:
      - name: app
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: ns}
    spec:
      podSelector: {}
      ingress:
      - ports: [{port: http}]
      - ports: [{port: dns, protocol: UDP}]
      - ports: [{port: dns}]
      - ports: [{port: metrics}]
      - ports: [{port: admin}]
      - ports: [{port: missing}]
      - ports: [{port: http}, {port: 443}]
  `);
  const p = policyNamed(ws, 'ns/p');
  const web = workloadNamed(ws, 'ns/web');
  const legacy = workloadNamed(ws, 'ns/legacy');
  const bare = workloadNamed(ws, 'ns/bare');
  assert.deepEqual(
    p.ingress.map((r) => portsOfRule(r, web.ports).toString()),
    ['TCP 8080', 'UDP 53', 'no ports', 'no ports', 'TCP 9901', 'no ports', 'TCP 443,8080'],
  );
  assert.deepEqual(
    p.ingress.map((r) => portsOfRule(r, legacy.ports).toString()),
    ['TCP 80', 'no ports', 'no ports', 'no ports', 'no ports', 'no ports', 'TCP 80,443'],
  );
  assert.deepEqual(
    p.ingress.map((r) => portsOfRule(r, bare.ports).toString()),
    ['no ports', 'no ports', 'no ports', 'no ports', 'no ports', 'no ports', 'TCP 443'],
  );
  // A destination outside the cluster has no named ports.
  assert.equal(portsOfRule(p.ingress[0]!, undefined).isEmpty, true);
  assert.equal(resolveNamedPort('dns', 'UDP', web.ports).toString(), 'UDP 53');
  assert.equal(resolveNamedPort('dns', 'TCP', web.ports).isEmpty, true);
  assert.deepEqual(p.ingress.map(ruleHasNamedPorts), [true, true, true, true, true, true, true]);
});

// ---------------------------------------------------------------------------------------------------------
// Peers

// NetworkPolicyPeer.podSelector: "If namespaceSelector is also set, then the NetworkPolicyPeer as a whole
// selects the pods matching podSelector in the Namespaces selected by NamespaceSelector. Otherwise it selects
// the pods matching podSelector in the policy's own namespace."
// namespaceSelector: "Otherwise it selects all pods in the namespaces selected by namespaceSelector."
const peerCluster = `
  apiVersion: v1
  kind: Namespace
  metadata: {name: alice, labels: {user: alice}}
  ---
  apiVersion: v1
  kind: Namespace
  metadata: {name: bob, labels: {user: bob}}
  ---
  apiVersion: v1
  kind: Namespace
  metadata: {name: local}
  ---
  apiVersion: v1
  kind: List
  items:
  - {apiVersion: v1, kind: Pod, metadata: {name: client, namespace: local, labels: {role: client}}}
  - {apiVersion: v1, kind: Pod, metadata: {name: other, namespace: local, labels: {role: other}}}
  - {apiVersion: v1, kind: Pod, metadata: {name: client, namespace: alice, labels: {role: client}}}
  - {apiVersion: v1, kind: Pod, metadata: {name: other, namespace: alice, labels: {role: other}}}
  - {apiVersion: v1, kind: Pod, metadata: {name: client, namespace: bob, labels: {role: client}}}
`;

test('a podSelector peer selects matching pods in the policy namespace only', () => {
  const ws = build(`${peerCluster}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: p, namespace: local}
  spec:
    podSelector: {}
    ingress:
    - from:
      - podSelector:
          matchLabels:
            role: client
    - from:
      - podSelector: {}
  `);
  const p = policyNamed(ws, 'local/p');
  assert.deepEqual(peersOf(ws, p, p.ingress[0]!), ['local/client']);
  assert.deepEqual(peersOf(ws, p, p.ingress[1]!), ['local/client', 'local/other']);
});

test('a namespaceSelector peer alone selects all pods of the matching namespaces', () => {
  const ws = build(`${peerCluster}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: p, namespace: local}
  spec:
    podSelector: {}
    ingress:
    - from:
      - namespaceSelector:
          matchLabels:
            user: alice
    - from:
      - namespaceSelector: {}
    - from:
      - namespaceSelector:
          matchExpressions:
          - {key: user, operator: Exists}
        podSelector: null
  `);
  const p = policyNamed(ws, 'local/p');
  assert.deepEqual(peersOf(ws, p, p.ingress[0]!), ['alice/client', 'alice/other']);
  // namespaceSelector: "if present but empty, it selects all namespaces."
  assert.deepEqual(peersOf(ws, p, p.ingress[1]!), [
    'local/client',
    'local/other',
    'alice/client',
    'alice/other',
    'bob/client',
  ]);
  // A null podSelector is an absent one.
  assert.deepEqual(peersOf(ws, p, p.ingress[2]!), ['alice/client', 'alice/other', 'bob/client']);
});

// The concept page: "This policy contains a single `from` element allowing connections from Pods with the
// label `role=client` in namespaces with the label `user=alice`. But the following policy is different: ...
// It contains two elements in the `from` array, and allows connections from Pods in the local Namespace with
// the label `role=client`, *or* from any Pod in any namespace with the label `user=alice`."
test('namespaceSelector and podSelector in one peer are ANDed; as two peers they are ORed', () => {
  const ws = build(`${peerCluster}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: and, namespace: local}
  spec:
    podSelector: {}
    ingress:
    - from:
      - namespaceSelector:
          matchLabels:
            user: alice
        podSelector:
          matchLabels:
            role: client
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: or, namespace: local}
  spec:
    podSelector: {}
    ingress:
    - from:
      - namespaceSelector:
          matchLabels:
            user: alice
      - podSelector:
          matchLabels:
            role: client
  `);
  assert.deepEqual(apiErrors(ws), []);
  const and = policyNamed(ws, 'local/and');
  const or = policyNamed(ws, 'local/or');
  assert.ok(and.ingress[0]!.peers !== 'all' && and.ingress[0]!.peers.length === 1);
  assert.ok(or.ingress[0]!.peers !== 'all' && or.ingress[0]!.peers.length === 2);
  assert.deepEqual(peersOf(ws, and, and.ingress[0]!), ['alice/client']);
  assert.deepEqual(peersOf(ws, or, or.ingress[0]!), ['local/client', 'alice/client', 'alice/other']);
});

// IPBlock: "IPBlock describes a particular CIDR ... The except entry describes CIDRs that should not be
// included within this rule." Pods are matched by the IPs their manifests carry (status.podIP/podIPs);
// a pod without a known IP (a template, or a Pod without status) is matched by no ipBlock.
test('an ipBlock peer matches pods by their IPs, minus except, and never pods without an IP', () => {
  const ws = build(`
    apiVersion: v1
    kind: Pod
    metadata: {name: inside, namespace: ns}
    status: {podIP: 10.0.0.5, podIPs: [{ip: 10.0.0.5}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: excepted, namespace: ns}
    status: {podIP: 10.0.0.2}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: outside, namespace: ns}
    status: {podIP: 10.0.1.5}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: dual, namespace: ns}
    status: {podIP: 10.0.9.9, podIPs: [{ip: 10.0.9.9}, {ip: "fd00::5"}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: no-status, namespace: ns}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: template, namespace: ns}
    spec:
      template:
        metadata: {labels: {app: t}}
        spec: {containers: [{name: c}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: other}
    spec:
      podSelector: {}
      ingress:
      - from:
        - ipBlock:
            cidr: 10.0.0.0/24
            except: [10.0.0.0/30]
      - from:
        - ipBlock: {cidr: "fd00::/64"}
  `);
  const p = policyNamed(ws, 'other/p');
  assert.deepEqual(workloadNamed(ws, 'ns/dual').ips, ['10.0.9.9', 'fd00::5']);
  assert.deepEqual(workloadNamed(ws, 'ns/template').ips, []);
  assert.deepEqual(peersOf(ws, p, p.ingress[0]!), ['ns/inside']);
  assert.deepEqual(peersOf(ws, p, p.ingress[1]!), ['ns/dual']);
});

// ---------------------------------------------------------------------------------------------------------
// Selection of pods by a policy

// spec.podSelector: "An empty selector matches all pods in the policy's namespace. ... This field is
// optional. If it is not specified, it defaults to an empty selector."
test('spec.podSelector selects pods of the policy namespace; empty, null or absent selects them all', () => {
  const ws = build(`${peerCluster}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: clients, namespace: local}
  spec:
    podSelector: {matchLabels: {role: client}}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: empty, namespace: local}
  spec:
    podSelector: {}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: null-selector, namespace: local}
  spec:
    podSelector: null
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: absent, namespace: local}
  spec:
    ingress: []
  `);
  assert.deepEqual(selectedBy(ws, policyNamed(ws, 'local/clients')), ['local/client']);
  for (const name of ['empty', 'null-selector', 'absent']) {
    assert.deepEqual(selectedBy(ws, policyNamed(ws, `local/${name}`)), ['local/client', 'local/other'], name);
  }
});

// Concept page, "NetworkPolicy and hostNetwork pods": the most common implementation "ignores hostNetwork pods
// when matching podSelector and namespaceSelector. Traffic to/from hostNetwork pods is treated the same as
// all other traffic to/from the node IP." — "you can allow traffic from a hostNetwork Pod using an ipBlock
// rule."
test('hostNetwork pods are not selected by policies nor matched by selectors, only by ipBlock', () => {
  const ws = build(`
    apiVersion: v1
    kind: Pod
    metadata: {name: agent, namespace: ns, labels: {app: web}}
    spec:
      hostNetwork: true
      containers: [{name: c}]
    status: {podIP: 192.168.0.10}
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: node-agent, namespace: ns}
    spec:
      template:
        metadata: {labels: {app: web}}
        spec:
          hostNetwork: true
          containers: [{name: c}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: ns, labels: {app: web}}
    status: {podIP: 10.1.0.1}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: ns}
    spec:
      podSelector: {matchLabels: {app: web}}
      ingress:
      - from: [{podSelector: {matchLabels: {app: web}}}]
      - from: [{namespaceSelector: {}}]
      - from: [{ipBlock: {cidr: 192.168.0.0/24}}]
  `);
  const p = policyNamed(ws, 'ns/p');
  assert.equal(workloadNamed(ws, 'ns/node-agent').hostNetwork, true);
  assert.deepEqual(selectedBy(ws, p), ['ns/web']);
  assert.deepEqual(peersOf(ws, p, p.ingress[0]!), ['ns/web']);
  assert.deepEqual(peersOf(ws, p, p.ingress[1]!), ['ns/web']);
  assert.deepEqual(peersOf(ws, p, p.ingress[2]!), ['ns/agent']);
});

// ---------------------------------------------------------------------------------------------------------
// Namespaces

// `kubectl apply` puts an object without metadata.namespace in the current namespace (`default` unless the
// context says otherwise); the model does the same, with the namespace configurable.
test('objects without a namespace land in default, or in the defaultNamespace option', () => {
  const yaml = `
    apiVersion: v1
    kind: Pod
    metadata: {name: web, labels: {app: web}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: db, namespace: data}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p}
    spec: {podSelector: {}}
  `;
  const ws = build(yaml);
  assert.deepEqual(ws.model.workloads.map(qualifiedName), ['default/web', 'data/db']);
  assert.deepEqual(selectedBy(ws, policyNamed(ws, 'default/p')), ['default/web']);
  assert.deepEqual([...ws.model.namespaces.keys()].sort(), ['data', 'default']);

  const team = build(yaml, { defaultNamespace: 'team-a' });
  assert.deepEqual(team.model.workloads.map(qualifiedName), ['team-a/web', 'data/db']);
  assert.deepEqual(selectedBy(team, policyNamed(team, 'team-a/p')), ['team-a/web']);
  assert.deepEqual([...team.model.namespaces.keys()].sort(), ['data', 'team-a']);
});

// "The Kubernetes control plane sets an immutable label `kubernetes.io/metadata.name` on all namespaces, the
// value of the label is the namespace name." (concept page, "Targeting a Namespace by its name")
test('every namespace carries kubernetes.io/metadata.name, declared or only referenced', () => {
  const ws = build(`
    apiVersion: v1
    kind: Namespace
    metadata:
      name: prod
      labels:
        team: payments
        kubernetes.io/metadata.name: something-else
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: prod}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: job, namespace: staging}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: tools}
    spec:
      podSelector: {}
      ingress:
      - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: staging
  `);
  assert.equal(METADATA_NAME_LABEL, 'kubernetes.io/metadata.name');
  const prod = ws.model.namespaces.get('prod')!;
  assert.deepEqual({ ...prod.labels }, { team: 'payments', 'kubernetes.io/metadata.name': 'prod' });
  assert.ok(prod.origin);
  assert.equal(textOf(prod.origin.file, prod.origin.span), 'prod');
  const staging = ws.model.namespaces.get('staging')!;
  assert.deepEqual({ ...staging.labels }, { 'kubernetes.io/metadata.name': 'staging' });
  assert.equal(staging.origin, undefined);
  assert.deepEqual(
    { ...ws.model.namespaces.get('tools')!.labels },
    { 'kubernetes.io/metadata.name': 'tools' },
  );
  const p = policyNamed(ws, 'tools/p');
  assert.deepEqual(peersOf(ws, p, p.ingress[0]!), ['staging/job']);
});

// ---------------------------------------------------------------------------------------------------------
// Duplicate policies

// A namespace holds one object per name: applying a second NetworkPolicy with the same name replaces the
// first, so only the later definition takes effect.
test('a duplicate policy name: the later definition wins and the earlier is reported', () => {
  const first = new SourceFile(
    'a.yaml',
    dedent(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow
        namespace: prod
      spec:
        podSelector: {matchLabels: {app: old}}
    `),
  );
  const second = new SourceFile(
    'b.yaml',
    dedent(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow
        namespace: prod
      spec:
        podSelector: {matchLabels: {app: new}}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow
        namespace: staging
      spec: {}
    `),
  );
  const ws = buildWorkspace([first, second]);
  const prodPolicies = ws.model.policies.filter((p) => qualifiedName(p) === 'prod/allow');
  assert.deepEqual(
    prodPolicies.map((p) => [p.anchor.file.path, p.rejected]),
    [
      ['a.yaml', true],
      ['b.yaml', false],
    ],
  );
  const effective = policyNamed(ws, 'prod/allow');
  assert.deepEqual(effective.podSelector.requirements[0]!.values, ['new']);
  const duplicates = ws.findings.filter((f) => f.rule === 'api-duplicate-policy');
  assert.equal(duplicates.length, 1, 'same name in another namespace is not a duplicate');
  const finding = duplicates[0]!;
  // Not rejected by the API server: the later apply replaces the earlier object.
  assert.equal(finding.severity, 'warning');
  assert.match(finding.message, /the API server accepts both/);
  assert.equal(finding.file.path, 'a.yaml');
  assert.equal(finding.file.where(finding.span.start), 'a.yaml:4');
  assert.equal(textOf(finding.file, finding.span), 'allow');
  assert.match(finding.message, /prod\/allow/);
  assert.match(finding.message, /b\.yaml:4/);
  assert.deepEqual(
    finding.related?.map((r) => r.file.where(r.span.start)),
    ['b.yaml:4'],
  );
  assert.equal(policyNamed(ws, 'staging/allow').rejected, false);
});

test('a duplicate policy name: an invalid later definition leaves the earlier in effect; identical copies are info', () => {
  const policy = (selector: string) => `
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: allow
      namespace: prod
    spec:
      podSelector: ${selector}
  `;
  const invalidLater = buildWorkspace([
    new SourceFile(
      'a.yaml',
      `${dedent(policy('{matchLabels: {app: web}}'))}---\n${dedent(policy('{matchLabels: {app: [web]}}'))}`,
    ),
  ]);
  const inEffect = invalidLater.model.policies.filter((p) => !p.rejected);
  assert.equal(inEffect.length, 1);
  assert.deepEqual(inEffect[0]!.podSelector.requirements[0]!.values, ['web']);
  assert.equal(inEffect[0]!.anchor.file.where(inEffect[0]!.anchor.span.start), 'a.yaml:4');
  const duplicate = invalidLater.findings.find((f) => f.rule === 'api-duplicate-policy')!;
  assert.equal(duplicate.file.where(duplicate.span.start), 'a.yaml:12');
  assert.match(
    duplicate.message,
    /this later definition is invalid: the API server rejects it, so the definition at a\.yaml:4 stays in effect/,
  );

  const identical = buildWorkspace([
    new SourceFile('a.yaml', `${dedent(policy('{}'))}---\n${dedent(policy('{}'))}`),
  ]);
  const repeat = identical.findings.filter((f) => f.rule === 'api-duplicate-policy');
  assert.deepEqual(
    repeat.map((f) => f.severity),
    ['info'],
  );
});

// ---------------------------------------------------------------------------------------------------------
// Workloads

// Pod templates: spec.template (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job)
// and spec.jobTemplate.spec.template (CronJob); policies select the pods the templates create.
test('workloads come from Pods and from the pod templates of every controller kind', () => {
  const template = (kind: string, apiVersion: string, name: string) => `
    apiVersion: ${apiVersion}
    kind: ${kind}
    metadata: {name: ${name}, namespace: ns, labels: {owner: ignored}}
    spec:
      template:
        metadata: {labels: {app: ${name}}}
        spec:
          containers:
          - name: c
            ports: [{name: http, containerPort: 8080}]
  `;
  const ws = build(
    [
      template('Deployment', 'apps/v1', 'deploy'),
      template('StatefulSet', 'apps/v1', 'sts'),
      template('DaemonSet', 'apps/v1', 'ds'),
      template('ReplicaSet', 'apps/v1', 'rs'),
      template('ReplicationController', 'v1', 'rc'),
      template('Job', 'batch/v1', 'job'),
      `
    apiVersion: batch/v1
    kind: CronJob
    metadata: {name: cron, namespace: ns}
    spec:
      schedule: "*/5 * * * *"
      jobTemplate:
        spec:
          template:
            metadata: {labels: {app: cron}}
            spec:
              containers:
              - name: c
                ports: [{containerPort: 9000, protocol: UDP}]
      `,
      `
    apiVersion: v1
    kind: Pod
    metadata: {name: pod, namespace: ns, labels: {app: pod}}
    spec:
      containers:
      - name: c
      `,
      `
    apiVersion: v1
    kind: Service
    metadata: {name: svc, namespace: ns}
    spec: {selector: {app: pod}}
      `,
    ].join('\n---\n'),
  );
  assert.deepEqual(
    ws.model.workloads.map((w) => [
      w.kind,
      qualifiedName(w),
      { ...w.labels },
      w.ports.map((p) => `${p.name ?? '-'}/${p.port}/${p.protocol}`),
    ]),
    [
      ['Deployment', 'ns/deploy', { app: 'deploy' }, ['http/8080/TCP']],
      ['StatefulSet', 'ns/sts', { app: 'sts' }, ['http/8080/TCP']],
      ['DaemonSet', 'ns/ds', { app: 'ds' }, ['http/8080/TCP']],
      ['ReplicaSet', 'ns/rs', { app: 'rs' }, ['http/8080/TCP']],
      ['ReplicationController', 'ns/rc', { app: 'rc' }, ['http/8080/TCP']],
      // The control plane adds the Job's name (https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-labels).
      [
        'Job',
        'ns/job',
        { app: 'job', 'batch.kubernetes.io/job-name': 'job', 'job-name': 'job' },
        ['http/8080/TCP'],
      ],
      ['CronJob', 'ns/cron', { app: 'cron' }, ['-/9000/UDP']],
      ['Pod', 'ns/pod', { app: 'pod' }, []],
    ],
  );
});

// A dump of a running cluster (`kubectl get all -o yaml`) holds controllers and the pods they created;
// the pods stand for their controller, which must not be counted a second time.
test('a controller whose pods are present is not counted again', () => {
  const ws = build(`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, namespace: ns}
    spec:
      template:
        metadata: {labels: {app: db}}
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: db-0
      namespace: ns
      labels: {app: db}
      ownerReferences:
      - {apiVersion: apps/v1, kind: StatefulSet, name: db, uid: u1, controller: true}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: ns}
    spec:
      template:
        metadata: {labels: {app: web}}
    ---
    apiVersion: apps/v1
    kind: ReplicaSet
    metadata:
      name: web-6d5f7c9b8
      namespace: ns
      ownerReferences:
      - {apiVersion: apps/v1, kind: Deployment, name: web, uid: u2, controller: true}
    spec:
      template:
        metadata: {labels: {app: web, pod-template-hash: 6d5f7c9b8}}
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: web-6d5f7c9b8-abcde
      namespace: ns
      labels: {app: web, pod-template-hash: 6d5f7c9b8}
      ownerReferences:
      - {apiVersion: apps/v1, kind: ReplicaSet, name: web-6d5f7c9b8, uid: u3, controller: true}
    ---
    apiVersion: batch/v1
    kind: CronJob
    metadata: {name: backup, namespace: ns}
    spec:
      jobTemplate:
        spec:
          template:
            metadata: {labels: {app: backup}}
    ---
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: backup-28990000
      namespace: ns
      ownerReferences:
      - {apiVersion: batch/v1, kind: CronJob, name: backup, uid: u4, controller: true}
    spec:
      template:
        metadata: {labels: {app: backup}}
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: backup-28990000-x7k2p
      namespace: ns
      labels: {app: backup}
      ownerReferences:
      - {apiVersion: batch/v1, kind: Job, name: backup-28990000, uid: u5, controller: true}
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: db, namespace: elsewhere}
    spec:
      template:
        metadata: {labels: {app: db}}
  `);
  assert.deepEqual(
    ws.model.workloads.map((w) => `${w.kind} ${qualifiedName(w)}`),
    ['Pod ns/db-0', 'Pod ns/web-6d5f7c9b8-abcde', 'Pod ns/backup-28990000-x7k2p', 'DaemonSet elsewhere/db'],
  );
  assert.deepEqual(workloadNamed(ws, 'ns/db-0').owner, { kind: 'StatefulSet', name: 'db' });
});

// Deployment pods are owned by a ReplicaSet named `<deployment>-<pod-template-hash>` ("Notice that the name
// of the ReplicaSet is always formatted as [DEPLOYMENT-NAME]-[HASH]"; "The pod-template-hash label is added
// by the Deployment controller to every ReplicaSet that a Deployment creates or adopts", Deployments concept
// page). A dump with the Deployment and its pods but not the ReplicaSet (`kubectl get deploy,pods -o yaml`)
// must not count the Deployment as well.
test('a Deployment whose pods are present without their ReplicaSet is not counted again', () => {
  const ws = build(`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: ns}
    spec:
      template:
        metadata: {labels: {app: web}}
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: web-6d5f7c9b8-abcde
      namespace: ns
      labels: {app: web, pod-template-hash: 6d5f7c9b8}
      ownerReferences:
      - {apiVersion: apps/v1, kind: ReplicaSet, name: web-6d5f7c9b8, uid: u3, controller: true}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api, namespace: ns}
    spec:
      template:
        metadata: {labels: {app: api}}
  `);
  assert.deepEqual(
    ws.model.workloads.map((w) => `${w.kind} ${qualifiedName(w)}`),
    ['Pod ns/web-6d5f7c9b8-abcde', 'Deployment ns/api'],
  );
});

// ObjectMeta.generateName: "GenerateName is an optional prefix, used by the server, to generate a unique name
// ONLY IF the Name field has not been provided." (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/)
// Objects without a name get distinct names from the server, so they never replace each other.
test('policies without metadata.name (generateName) are not duplicates of each other', () => {
  const ws = build(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {generateName: deny-, namespace: ns}
    spec: {}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {generateName: allow-, namespace: ns}
    spec: {ingress: [{}]}
  `);
  assert.deepEqual(
    ws.findings.filter((f) => f.rule === 'api-duplicate-policy'),
    [],
  );
  assert.deepEqual(
    ws.model.policies.map((p) => [qualifiedName(p), p.rejected, p.ingress.length]),
    [
      ['ns/<unnamed>', false, 0],
      ['ns/<unnamed>', false, 1],
    ],
  );
});
