/**
 * The network-policy-api (https://network-policy-api.sigs.k8s.io/): ClusterNetworkPolicy
 * `policy.networking.k8s.io/v1alpha2` and its predecessors AdminNetworkPolicy / BaselineAdminNetworkPolicy
 * `v1alpha1`, read into the common rule model.
 *
 * From the API (kubernetes-sigs/network-policy-api, apis/v1alpha2/clusternetworkpolicy_types.go at
 * 0eec1b0, and apis/v1alpha1/{adminnetworkpolicy,baselineadminnetworkpolicy,shared}_types.go at v0.1.8):
 * - `tier` Admin or Baseline; `priority` 0..1000, "Policies with lower priority values have higher
 *   precedence"; two policies of one tier at the same priority that match the same connection are
 *   applied in an undefined order (here: by name; `check` reports the overlap).
 * - `subject`: exactly one of `namespaces` (a LabelSelector over namespace labels: every pod in them) or
 *   `pods` (`namespaceSelector` and `podSelector`); "host-networked pods are not included".
 * - Rules are evaluated in order; `action` Accept/Deny/Pass (v1alpha1: Allow/Deny/Pass, and the
 *   BaselineAdminNetworkPolicy only Allow/Deny). Accept "stops further rule processing of this policy
 *   direction"; an egress Accept still needs the destination's ingress side.
 * - Peers: `namespaces`, `pods`, and on egress `networks` (CIDRs, which match pod IPs as well as
 *   addresses outside the cluster, as the conformance tests CNPAdminTierEgressInlineCIDRPeers assert),
 *   `nodes` and `domainNames` (experimental; parsed and reported as not modelled, matching nothing).
 * - Ports: v1alpha2 `protocols[]` with one of `tcp`/`udp`/`sctp` (`destinationPort`: `number` or
 *   `range {start, end}`; absent: every port) or `destinationNamedPort`; v1alpha1 `ports[]` with one of
 *   `portNumber {protocol, port}`, `portRange {protocol, start, end}` or `namedPort`. Absent: every port.
 *   Named ports resolve on the destination pod's container ports.
 * - A BaselineAdminNetworkPolicy "is a singleton": only the object named `default` is accepted.
 */
import type { KubeObject } from '../parse/kube-objects.js';
import { objectAnchor } from '../parse/kube-objects.js';
import { get, isMap } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';
import { buildSelector } from '../model/build-selector.js';
import type { CommonPolicy, CommonRule, RuleAction, WorkloadSet } from '../model/rule-model.js';
import type { Direction, Protocol } from '../model/types.js';
import { IpRangeSet } from '../semantics/ip-set.js';
import { adminTier, baselineTier } from './layers.js';
import { rulePorts } from './ports.js';
import type { PortSpec } from './ports.js';
import { PolicyReader } from './reader.js';
import { schemaOf } from './schemas.js';
import { addressSet, nothing, podsBySelectors, rangesUnion } from './sets.js';

export const networkPolicyApiGroup = 'policy.networking.k8s.io';

export type NetworkPolicyApiKind =
  'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';

export interface Translated {
  readonly policy: CommonPolicy | undefined;
  readonly reader: PolicyReader;
}

const protocolKeys: ReadonlyArray<readonly [string, Protocol]> = [
  ['tcp', 'TCP'],
  ['udp', 'UDP'],
  ['sctp', 'SCTP'],
];

/** Reads one object of the network-policy-api; `policy` is undefined when the API server rejects it. */
export function readNetworkPolicyApi(object: KubeObject): Translated {
  const kind = object.kind as NetworkPolicyApiKind;
  const version = object.apiVersion?.split('/')[1];
  const v2 = kind === 'ClusterNetworkPolicy';
  const name = object.name ?? '<unnamed>';
  const r = new PolicyReader(object, `${kind} ${name}`, false, schemaOf(kind));
  const expected = v2 ? 'v1alpha2' : 'v1alpha1';
  if (version !== expected) {
    r.invalid(
      get(object.node, 'apiVersion'),
      'apiVersion',
      `${kind} is served as ${networkPolicyApiGroup}/${expected}, not ${object.apiVersion ?? '(none)'}.`,
    );
  }
  r.fields(object.node, '');
  if (!v2)
    r.findings.push({
      rule: 'policy-api-superseded',
      severity: 'info',
      message:
        `${kind} ${name}: ${kind} (v1alpha1) is superseded by ClusterNetworkPolicy v1alpha2 (network-policy-api v0.2, ` +
        `tier ${kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline'}); implementations are moving to it. A quick fix migrates this object.`,
      file: object.file,
      span: objectAnchor(object),
      data: { kind },
    });
  const spec = r.map(get(object.node, 'spec'), 'spec');
  if (!spec) {
    r.invalid(object.node, 'spec', 'is required.');
    return { policy: undefined, reader: r };
  }
  r.fields(spec, 'spec');

  let layer = adminTier;
  if (v2) {
    const tier = r.oneOf(get(spec, 'tier'), 'spec.tier', ['Admin', 'Baseline'] as const);
    if (get(spec, 'tier') === undefined) r.invalid(spec, 'spec.tier', 'is required (Admin or Baseline).');
    if (tier === 'Baseline') layer = baselineTier;
  } else if (kind === 'BaselineAdminNetworkPolicy') {
    layer = baselineTier;
    if (object.name !== 'default')
      r.invalid(
        get(get(object.node, 'metadata'), 'name') ?? object.node,
        'metadata.name',
        `a BaselineAdminNetworkPolicy is a singleton and must be named "default", not "${name}".`,
      );
  }
  let priority = 0;
  if (kind !== 'BaselineAdminNetworkPolicy') {
    const node = get(spec, 'priority');
    const value = r.integer(node, 'spec.priority');
    if (node === undefined) r.invalid(spec, 'spec.priority', 'is required (0 to 1000).');
    else if (value !== undefined && (value < 0 || value > 1000))
      r.invalid(node, 'spec.priority', `${value} is outside 0..1000.`);
    priority = value ?? 0;
  }

  const subjectNode = r.map(get(spec, 'subject'), 'spec.subject');
  let subject: WorkloadSet = nothing(r.origin(spec), 'no pods');
  if (!subjectNode) r.invalid(spec, 'spec.subject', 'is required.');
  else subject = readPodsOrNamespaces(r, subjectNode, 'spec.subject');

  const actions: readonly string[] = v2
    ? ['Accept', 'Deny', 'Pass']
    : kind === 'AdminNetworkPolicy'
      ? ['Allow', 'Deny', 'Pass']
      : ['Allow', 'Deny'];
  const rules: CommonRule[] = [];
  const policy: CommonPolicy = {
    api: v2 ? 'ClusterNetworkPolicy' : 'AdminNetworkPolicy',
    kind,
    name,
    namespace: undefined,
    layer,
    order: priority,
    orderName: kind === 'BaselineAdminNetworkPolicy' ? undefined : 'priority',
    subject,
    affectsIngress: true,
    affectsEgress: true,
    isolatesIngress: false,
    isolatesEgress: false,
    rules,
    origin: r.origin(object.node),
    anchor: { file: object.file, span: objectAnchor(object) },
    v1: undefined,
  };
  for (const direction of ['ingress', 'egress'] as const) {
    const items = r.list(get(spec, direction), `spec.${direction}`);
    if (items.length > 100 || (v2 && items.length > 25))
      r.invalid(
        get(spec, direction),
        `spec.${direction}`,
        `has ${items.length} rules; at most ${v2 ? 25 : 100} are allowed.`,
      );
    items.forEach((item, index) => {
      const rule = readRule(r, policy, item, direction, index, v2, actions);
      if (rule) rules.push(rule);
    });
  }
  return { policy: r.rejected ? undefined : policy, reader: r };
}

function readPodsOrNamespaces(r: PolicyReader, node: SNode, path: string): WorkloadSet {
  const allowed = r.fieldsAt(path);
  r.fields(node, path, allowed);
  const present = isMap(node) ? node.pairs.filter((p) => allowed.includes(String(p.key.value))) : [];
  if (present.length !== 1) {
    r.invalid(node, path, `exactly one of ${allowed.join(', ')} must be set.`);
    return nothing(r.origin(node), 'nothing');
  }
  const field = String(present[0]!.key.value);
  const value = present[0]!.value;
  const file = r.object.file;
  if (field === 'namespaces') {
    const ns = buildSelector(file, value);
    return podsBySelectors(ns, undefined, r.origin(value));
  }
  if (field === 'pods') {
    r.fields(value, `${path}.pods`);
    const nsNode = get(value, 'namespaceSelector');
    const podNode = get(value, 'podSelector');
    if (nsNode === undefined) r.invalid(value, `${path}.pods.namespaceSelector`, 'is required.');
    if (podNode === undefined) r.invalid(value, `${path}.pods.podSelector`, 'is required.');
    return podsBySelectors(
      nsNode ? buildSelector(file, nsNode) : undefined,
      podNode ? buildSelector(file, podNode) : undefined,
      r.origin(value),
    );
  }
  if (field === 'networks') {
    const cidrs = r.list(value, `${path}.networks`);
    const sets: IpRangeSet[] = [];
    cidrs.forEach((item, i) => {
      const text = r.string(item, `${path}.networks[${i}]`);
      const set = text === undefined ? undefined : IpRangeSet.fromIpBlock(text, []);
      if (text !== undefined && !set) r.invalid(item, `${path}.networks[${i}]`, `"${text}" is not a CIDR.`);
      if (set) sets.push(set);
    });
    if (cidrs.length === 0) r.invalid(value, `${path}.networks`, 'needs at least one CIDR.');
    const texts = cidrs.map((c) => r.string(c, '') ?? '?').join(', ');
    return addressSet(rangesUnion(sets), `addresses in ${texts}`, r.origin(value), true);
  }
  // nodes, domainNames: experimental peers, parsed and not modelled.
  r.notModelled(
    value,
    `${path}.${field}`,
    field === 'nodes'
      ? 'a nodes peer (experimental) selects node IPs, which the workspace does not show; it matches nothing here.'
      : 'a domainNames peer (experimental) matches names resolved at run time; it matches nothing here.',
  );
  return nothing(r.origin(value), field === 'nodes' ? 'nodes (not modelled)' : 'domain names (not modelled)');
}

function readRule(
  r: PolicyReader,
  policy: CommonPolicy,
  node: SNode,
  direction: Direction,
  index: number,
  v2: boolean,
  actions: readonly string[],
): CommonRule | undefined {
  const path = `spec.${direction}[${index}]`;
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  const portsKey = v2 ? 'protocols' : 'ports';
  if (!isMap(node)) {
    r.invalid(node, path, 'must be an object.');
    return undefined;
  }
  r.fields(node, path);
  const name = r.string(get(node, 'name'), `${path}.name`);
  const actionText = r.oneOf(get(node, 'action'), `${path}.action`, actions);
  if (get(node, 'action') === undefined)
    r.invalid(node, `${path}.action`, `is required (${actions.join(', ')}).`);
  const action: RuleAction = actionText === 'Deny' ? 'deny' : actionText === 'Pass' ? 'pass' : 'allow';
  const peerItems = r.list(get(node, peersKey), `${path}.${peersKey}`);
  if (peerItems.length === 0) r.invalid(node, `${path}.${peersKey}`, 'needs at least one peer.');
  const peers = peerItems.map((p, i) => readPodsOrNamespaces(r, p, `${path}.${peersKey}[${i}]`));
  const portsNode = get(node, portsKey);
  const specs = portsNode === undefined ? 'all' : readPorts(r, portsNode, `${path}.${portsKey}`, v2);
  const ports = rulePorts(specs);
  return {
    policy,
    direction,
    index,
    name,
    action,
    peers,
    portsOn: ports.portsOn,
    namedPorts: ports.namedPorts,
    http: undefined,
    origin: r.origin(node),
  };
}

function readPorts(r: PolicyReader, node: SNode, path: string, v2: boolean): PortSpec[] {
  const items = r.list(node, path);
  if (items.length === 0) r.invalid(node, path, 'needs at least one entry when present.');
  const out: PortSpec[] = [];
  items.forEach((item, i) => {
    const at = `${path}[${i}]`;
    const fields = v2
      ? ['tcp', 'udp', 'sctp', 'destinationNamedPort']
      : ['portNumber', 'portRange', 'namedPort'];
    r.fields(item, at, fields);
    const present = isMap(item) ? item.pairs.filter((p) => fields.includes(String(p.key.value))) : [];
    if (present.length !== 1) {
      r.invalid(item, at, `exactly one of ${fields.join(', ')} must be set.`);
      return;
    }
    const field = String(present[0]!.key.value);
    const value = present[0]!.value;
    if (field === 'destinationNamedPort' || field === 'namedPort') {
      const name = r.string(value, `${at}.${field}`);
      if (name !== undefined) out.push({ protocols: ['TCP', 'UDP', 'SCTP'], port: name });
      return;
    }
    if (v2) {
      const protocol = protocolKeys.find(([k]) => k === field)![1];
      r.fields(value, `${at}.${field}`);
      const dest = get(value, 'destinationPort');
      if (dest === undefined) {
        out.push({ protocols: [protocol] });
        return;
      }
      r.fields(dest, `${at}.${field}.destinationPort`);
      const numberNode = get(dest, 'number');
      const rangeNode = get(dest, 'range');
      if ((numberNode === undefined) === (rangeNode === undefined)) {
        r.invalid(dest, `${at}.${field}.destinationPort`, 'exactly one of number, range must be set.');
        return;
      }
      if (numberNode !== undefined) {
        const port = portNumber(r, numberNode, `${at}.${field}.destinationPort.number`);
        if (port !== undefined) out.push({ protocols: [protocol], port });
        return;
      }
      const range = readRange(r, rangeNode!, `${at}.${field}.destinationPort.range`);
      if (range) out.push({ protocols: [protocol], port: range[0], endPort: range[1] });
      return;
    }
    // v1alpha1
    const protocolText = r.oneOf(get(value, 'protocol'), `${at}.${field}.protocol`, [
      'TCP',
      'UDP',
      'SCTP',
    ] as const);
    const protocol: Protocol = protocolText ?? 'TCP';
    if (field === 'portNumber') {
      r.fields(value, `${at}.portNumber`);
      const port = portNumber(r, get(value, 'port'), `${at}.portNumber.port`);
      if (port !== undefined) out.push({ protocols: [protocol], port });
      return;
    }
    r.fields(value, `${at}.portRange`);
    const range = readRange(r, value, `${at}.portRange`);
    if (range) out.push({ protocols: [protocol], port: range[0], endPort: range[1] });
  });
  return out;
}

function portNumber(r: PolicyReader, node: SNode | undefined, path: string): number | undefined {
  const value = r.integer(node, path);
  if (node === undefined) r.invalid(undefined, path, 'is required.');
  if (value !== undefined && (value < 1 || value > 65535)) {
    r.invalid(node, path, `${value} is not a port (1..65535).`);
    return undefined;
  }
  return value;
}

function readRange(r: PolicyReader, node: SNode, path: string): [number, number] | undefined {
  const start = portNumber(r, get(node, 'start'), `${path}.start`);
  const end = portNumber(r, get(node, 'end'), `${path}.end`);
  if (start === undefined || end === undefined) return undefined;
  if (start >= end) {
    r.invalid(node, path, `start (${start}) must be less than end (${end}).`);
    return undefined;
  }
  return [start, end];
}
