/**
 * Calico `projectcalico.org/v3` (and the same kinds under `crd.projectcalico.org/v1`): NetworkPolicy,
 * GlobalNetworkPolicy and Tier, read into the common rule model.
 *
 * From the Calico reference (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy,
 * .../globalnetworkpolicy, .../tier, and .../network-policy/policy-tiers/tiered-policy):
 * - `order`: "policies with lower order are applied first"; without an order a policy comes last; ties
 *   by name. `tier` (default `default`); tiers in ascending `order` (the default tier is 1,000,000).
 * - `types`: "If not specified, defaults as follows: Ingress if there are no egress rules ...; Egress
 *   if there are egress rules but no ingress rules; Ingress and Egress if there are both."
 * - `selector`: the endpoints the policy applies to, in the policy's namespace for a NetworkPolicy;
 *   empty = `all()`. A GlobalNetworkPolicy applies across namespaces, narrowed by `namespaceSelector`;
 *   `serviceAccountSelector` narrows both by the pod's service account.
 * - Rules in order: Allow, Deny and Pass decide (Pass: "skips to the next tier"); Log records and goes
 *   on. An endpoint that some policy of a tier applies to, and that no rule decided for, gets the tier's
 *   default action (Deny, or `defaultAction: Pass` on the Tier).
 * - An entity rule (`source`, `destination`) matches when every criterion it has matches: `nets` /
 *   `notNets` (addresses), `selector` / `notSelector` (endpoint labels; in a NetworkPolicy, endpoints of
 *   the policy's namespace unless `namespaceSelector` is given), `namespaceSelector`,
 *   `serviceAccounts` (`names`, `selector`), `ports` / `notPorts` (destination ports: a number, a
 *   `"start:end"` range or a named port; they need `protocol` TCP, UDP or SCTP). No criterion: anything.
 * - Endpoint labels seen by selectors: the pod's labels plus `projectcalico.org/namespace`,
 *   `projectcalico.org/orchestrator: k8s`, `projectcalico.org/serviceaccount`, the namespace's labels as
 *   `pcns.<key>` and the ServiceAccount's as `pcsa.<key>`; namespace selectors read the namespace's labels
 *   plus `projectcalico.org/name`, service-account selectors the ServiceAccount object's labels plus
 *   `projectcalico.org/name` (an account the workspace does not declare has only its name).
 * - Host-network pods are not workload endpoints: policies do not apply to them, and selectors do not
 *   match them (their addresses are matched by `nets`).
 * - Criteria on the policy's own side of a rule (`destination` of an ingress rule, `source` of an egress
 *   rule: selectors, nets, service accounts) narrow the rule to the policy's pods that match them.
 * Parsed and reported as not modelled: `doNotTrack`, `preDNAT`, `applyOnForward` (host endpoint
 * policy), `http` rules (application layer), `source.ports` (source ports) and `services`; ICMP rules
 * match no TCP, UDP or SCTP port; staged policies are other kinds (not analysed).
 */
import type { KubeObject } from '../parse/kube-objects.js';
import { objectAnchor } from '../parse/kube-objects.js';
import { get, isMap, isScalar } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';
import type {
  CommonPolicy,
  CommonRule,
  Layer,
  MatchContext,
  RuleAction,
  WorkloadSet,
} from '../model/rule-model.js';
import type { Direction, Protocol, Workload } from '../model/types.js';
import { IpRangeSet } from '../semantics/ip-set.js';
import {
  calicoLabelUse,
  evaluateCalicoSelector,
  isSelectorError,
  parseCalicoSelector,
} from './calico-selector.js';
import type { CalicoSelector } from './calico-selector.js';
import { calicoDefaultTierOrder, calicoTier } from './layers.js';
import { rulePorts } from './ports.js';
import type { PortSpec } from './ports.js';
import { PolicyReader } from './reader.js';
import { schemaOf } from './schemas.js';
import { allOf, endpointSet, everything, except, nothing, rangesUnion } from './sets.js';

export const calicoGroups = ['projectcalico.org', 'crd.projectcalico.org'];

export interface CalicoTierInfo {
  readonly name: string;
  readonly order: number;
  readonly defaultAction: 'Deny' | 'Pass';
  readonly declared: boolean;
}

/** The labels a Calico selector sees on a pod's workload endpoint. */
export function calicoEndpointLabels(
  w: Workload,
  namespaceLabels: Readonly<Record<string, string>>,
  serviceAccountLabels: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(namespaceLabels)) out[`pcns.${k}`] = v;
  for (const [k, v] of Object.entries(serviceAccountLabels)) out[`pcsa.${k}`] = v;
  Object.assign(out, w.labels);
  out['projectcalico.org/namespace'] = w.namespace;
  out['projectcalico.org/orchestrator'] = 'k8s';
  out['projectcalico.org/serviceaccount'] = w.serviceAccount ?? 'default';
  return out;
}

function namespaceSelectorLabels(
  name: string,
  labels: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...labels, 'projectcalico.org/name': name };
}

/** Reads a Tier. */
export function readCalicoTier(object: KubeObject): {
  tier: CalicoTierInfo | undefined;
  reader: PolicyReader;
} {
  const name = object.name ?? '<unnamed>';
  const r = new PolicyReader(object, `Tier ${name}`, false, schemaOf('calico:Tier'));
  const spec = r.map(get(object.node, 'spec'), 'spec');
  r.fields(spec, 'spec');
  const order = r.number(get(spec, 'order'), 'spec.order');
  const action = r.oneOf(get(spec, 'defaultAction'), 'spec.defaultAction', ['Deny', 'Pass'] as const);
  return {
    tier: r.rejected
      ? undefined
      : { name, order: order ?? Number.MAX_SAFE_INTEGER, defaultAction: action ?? 'Deny', declared: true },
    reader: r,
  };
}

const protocolNumbers: Readonly<Record<string, Protocol>> = { '6': 'TCP', '17': 'UDP', '132': 'SCTP' };

interface SelectorRead {
  readonly selector: CalicoSelector;
  readonly text: string;
}

function readSelector(r: PolicyReader, node: SNode | undefined, path: string): SelectorRead | undefined {
  const text = r.string(node, path);
  if (text === undefined) return undefined;
  const parsed = parseCalicoSelector(text);
  if (isSelectorError(parsed)) {
    // Point at the offending character: inside the scalar, after an opening quote if there is one.
    const scalar = node!;
    const quoted = isScalar(scalar) && scalar.quoted ? 1 : 0;
    const start = Math.min(scalar.span.start + quoted + parsed.offset, scalar.span.end);
    r.invalid(node, path, `selector syntax: ${parsed.message}.`, {
      start,
      end: Math.min(start + 1, scalar.span.end),
    });
    return undefined;
  }
  return { selector: parsed, text };
}

/** Reads a Calico NetworkPolicy or GlobalNetworkPolicy into the common model. */
export function readCalicoPolicy(
  object: KubeObject,
  namespace: string,
  tierOf: (name: string) => CalicoTierInfo | undefined,
): { policy: CommonPolicy | undefined; reader: PolicyReader } {
  const kind = object.kind!;
  const global = kind === 'GlobalNetworkPolicy';
  const name = object.name ?? '<unnamed>';
  const policyNamespace = global ? undefined : (object.namespace ?? namespace);
  const r = new PolicyReader(
    object,
    `Calico ${kind} ${global ? name : `${policyNamespace}/${name}`}`,
    false,
    schemaOf(`calico:${kind}`),
  );
  const spec = r.map(get(object.node, 'spec'), 'spec') ?? object.node;
  r.fields(spec, 'spec');
  for (const flag of ['doNotTrack', 'preDNAT', 'applyOnForward']) {
    const node = get(spec, flag);
    if (isScalar(node) && node.value === true)
      r.notModelled(
        node,
        `spec.${flag}`,
        `${flag} policies act on host endpoints (node interfaces), which the workspace does not show; this policy's effect there is not modelled.`,
      );
  }
  const order = r.number(get(spec, 'order'), 'spec.order');
  const tierName = r.string(get(spec, 'tier'), 'spec.tier') ?? 'default';
  const tier = tierOf(tierName);
  if (!tier?.declared && tierName !== 'default')
    r.notModelled(
      get(spec, 'tier'),
      'spec.tier',
      `the Tier ${tierName} is not in the workspace, so its order is unknown; it is taken to come before the default tier.`,
    );
  const tierInfo = tier ?? {
    name: tierName,
    order: calicoDefaultTierOrder - 1,
    defaultAction: 'Deny',
    declared: false,
  };
  const layer: Layer = calicoTier(tierInfo.name, tierInfo.order);

  const selector = readSelector(r, get(spec, 'selector'), 'spec.selector');
  const nsSelector = global
    ? readSelector(r, get(spec, 'namespaceSelector'), 'spec.namespaceSelector')
    : undefined;
  const saSelector = readSelector(r, get(spec, 'serviceAccountSelector'), 'spec.serviceAccountSelector');

  const ingressItems = r.list(get(spec, 'ingress'), 'spec.ingress');
  const egressItems = r.list(get(spec, 'egress'), 'spec.egress');
  const typesNode = get(spec, 'types');
  let affectsIngress: boolean;
  let affectsEgress: boolean;
  if (typesNode === undefined) {
    affectsEgress = egressItems.length > 0;
    affectsIngress = ingressItems.length > 0 || egressItems.length === 0;
  } else {
    const types = r
      .list(typesNode, 'spec.types')
      .map((t, i) => r.oneOf(t, `spec.types[${i}]`, ['Ingress', 'Egress'] as const));
    affectsIngress = types.includes('Ingress');
    affectsEgress = types.includes('Egress');
  }

  const subjectText = [
    selector ? `endpoints matching ${selector.text}` : 'all endpoints',
    global
      ? nsSelector
        ? `in namespaces matching ${nsSelector.text}`
        : 'in every namespace'
      : `in namespace ${policyNamespace}`,
    saSelector ? `with a service account matching ${saSelector.text}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const subject = endpointSet({
    key: `calico-subject\u0000${policyNamespace ?? '*'}\u0000${selector?.text ?? ''}\u0000${nsSelector?.text ?? ''}\u0000${saSelector?.text ?? ''}`,
    text: subjectText,
    labelUse: selector ? calicoLabelUse(selector.selector) : [],
    readsServiceAccount: true,
    origin: r.origin(get(spec, 'selector') ?? object.node),
    pods: (w, c) => {
      if (w.hostNetwork) return false;
      if (policyNamespace !== undefined && w.namespace !== policyNamespace) return false;
      const nsLabels = c.namespaceLabels(w.namespace);
      if (
        nsSelector &&
        !evaluateCalicoSelector(nsSelector.selector, namespaceSelectorLabels(w.namespace, nsLabels))
      )
        return false;
      if (selector && !evaluateCalicoSelector(selector.selector, endpointLabels(w, c))) return false;
      if (saSelector && !evaluateCalicoSelector(saSelector.selector, serviceAccountLabels(w, c)))
        return false;
      return true;
    },
  });

  const rules: CommonRule[] = [];
  const policy: CommonPolicy = {
    api: 'CalicoNetworkPolicy',
    kind,
    name,
    namespace: policyNamespace,
    layer,
    order: order ?? Number.POSITIVE_INFINITY,
    orderName: order === undefined ? undefined : 'order',
    subject,
    affectsIngress,
    affectsEgress,
    isolatesIngress: tierInfo.defaultAction === 'Deny',
    isolatesEgress: tierInfo.defaultAction === 'Deny',
    rules,
    origin: r.origin(object.node),
    anchor: { file: object.file, span: objectAnchor(object) },
    v1: undefined,
  };
  const read = (items: readonly SNode[], direction: Direction) =>
    items.forEach((item, index) => {
      const rule = readRule(r, policy, item, direction, index, policyNamespace);
      if (rule) rules.push(rule);
    });
  if (affectsIngress) read(ingressItems, 'ingress');
  if (affectsEgress) read(egressItems, 'egress');
  return { policy: r.rejected ? undefined : policy, reader: r };
}

/** Whether an endpoint selector reads the pod's service account (its name or its labels). */
function readsAccount(selector: CalicoSelector): boolean {
  return calicoLabelUse(selector).some(
    ([key]) => key === 'projectcalico.org/serviceaccount' || key.startsWith('pcsa.'),
  );
}

/** The labels a service-account selector reads: the ServiceAccount's labels and `projectcalico.org/name`. */
function serviceAccountLabels(w: Workload, c: MatchContext): Record<string, string> {
  const name = w.serviceAccount ?? 'default';
  return { ...c.serviceAccountLabels(w.namespace, name), 'projectcalico.org/name': name };
}

/** The labels Calico's endpoint selectors see on a pod, with the context's namespace and account labels. */
function endpointLabels(w: Workload, c: MatchContext): Record<string, string> {
  return calicoEndpointLabels(
    w,
    c.namespaceLabels(w.namespace),
    c.serviceAccountLabels(w.namespace, w.serviceAccount ?? 'default'),
  );
}

function readRule(
  r: PolicyReader,
  policy: CommonPolicy,
  node: SNode,
  direction: Direction,
  index: number,
  policyNamespace: string | undefined,
): CommonRule | undefined {
  const path = `spec.${direction}[${index}]`;
  if (!isMap(node)) {
    r.invalid(node, path, 'must be an object.');
    return undefined;
  }
  r.fields(node, path);
  const actionText = r.oneOf(get(node, 'action'), `${path}.action`, [
    'Allow',
    'Deny',
    'Log',
    'Pass',
  ] as const);
  if (get(node, 'action') === undefined)
    r.invalid(node, `${path}.action`, 'is required (Allow, Deny, Log or Pass).');
  const action: RuleAction =
    actionText === 'Deny' ? 'deny' : actionText === 'Pass' ? 'pass' : actionText === 'Log' ? 'log' : 'allow';
  if (get(node, 'http') !== undefined)
    r.notModelled(
      get(node, 'http'),
      `${path}.http`,
      'application-layer (HTTP) match criteria are not modelled; the rule is read without them.',
    );
  const protocol = readProtocol(r, get(node, 'protocol'), `${path}.protocol`);
  const notProtocol = readProtocol(r, get(node, 'notProtocol'), `${path}.notProtocol`);
  const ipVersion = r.integer(get(node, 'ipVersion'), `${path}.ipVersion`);

  const source = readEntity(r, get(node, 'source'), `${path}.source`, policyNamespace, false);
  const destination = readEntity(r, get(node, 'destination'), `${path}.destination`, policyNamespace, true);
  const other = direction === 'ingress' ? source : destination;
  const self = direction === 'ingress' ? destination : source;

  // Ports: destination.ports/notPorts. Without a protocol they are rejected.
  const protocols: Protocol[] =
    protocol === undefined ? ['TCP', 'UDP', 'SCTP'] : protocol === 'other' ? [] : [protocol];
  const allowedProtocols = protocols.filter((p) => notProtocol === undefined || notProtocol !== p);
  const dPorts = destination.ports;
  const dNotPorts = destination.notPorts;
  if ((dPorts !== undefined || dNotPorts !== undefined) && (protocol === undefined || protocol === 'other'))
    r.invalid(node, `${path}.protocol`, 'destination ports need protocol TCP, UDP or SCTP.');
  const specs: PortSpec[] | 'all' =
    dPorts === undefined
      ? allowedProtocols.length === 3
        ? 'all'
        : [...allowedProtocols.map((p) => ({ protocols: [p] }))]
      : dPorts.map((p) => ({ ...p, protocols: allowedProtocols }));
  const ports = rulePorts(
    specs,
    (dNotPorts ?? []).map((p) => ({ ...p, protocols: allowedProtocols })),
  );
  void ipVersion;

  // The selected side's criteria narrow the rule too (e.g. destination.selector on an ingress rule).
  const peers: readonly WorkloadSet[] | 'all' = other.set ? (other.matchesNothing ? [] : [other.set]) : 'all';
  if (source.sourcePorts)
    r.notModelled(
      get(get(node, 'source'), 'ports'),
      `${path}.source.ports`,
      'source ports are ephemeral on most connections; the rule is read as if they matched.',
    );
  return {
    policy,
    direction,
    index,
    name: undefined,
    action,
    peers,
    self: self.matchesNothing ? nothing(r.origin(node), 'nothing') : self.set,
    portsOn: ports.portsOn,
    namedPorts: ports.namedPorts,
    http: undefined,
    origin: r.origin(node),
  };
}

function readProtocol(
  r: PolicyReader,
  node: SNode | undefined,
  path: string,
): Protocol | 'other' | undefined {
  if (node === undefined) return undefined;
  if (isScalar(node) && typeof node.value === 'number') return protocolNumbers[String(node.value)] ?? 'other';
  const text = r.string(node, path);
  if (text === undefined) return undefined;
  const upper = text.toUpperCase();
  if (upper === 'TCP' || upper === 'UDP' || upper === 'SCTP') return upper;
  if (['ICMP', 'ICMPV6', 'UDPLITE'].includes(upper)) return 'other';
  if (/^\d+$/.test(text)) return protocolNumbers[text] ?? 'other';
  r.invalid(
    node,
    path,
    `"${text}" is not a protocol (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1..255).`,
  );
  return undefined;
}

interface EntityRead {
  /** Undefined: no criterion (matches anything). */
  readonly set: WorkloadSet | undefined;
  readonly matchesNothing: boolean;
  readonly ports: Omit<PortSpec, 'protocols'>[] | undefined;
  readonly notPorts: Omit<PortSpec, 'protocols'>[] | undefined;
  readonly sourcePorts: boolean;
}

function readEntity(
  r: PolicyReader,
  node: SNode | undefined,
  path: string,
  policyNamespace: string | undefined,
  isDestination: boolean,
): EntityRead {
  const empty: EntityRead = {
    set: undefined,
    matchesNothing: false,
    ports: undefined,
    notPorts: undefined,
    sourcePorts: false,
  };
  if (node === undefined) return empty;
  const map = r.map(node, path);
  if (!map) return empty;
  r.fields(map, path);
  const origin = r.origin(map);
  const parts: WorkloadSet[] = [];
  const exclusions: WorkloadSet[] = [];
  const readNets = (key: string) => {
    const items = r.list(get(map, key), `${path}.${key}`);
    const sets: IpRangeSet[] = [];
    items.forEach((item, i) => {
      const text = r.string(item, `${path}.${key}[${i}]`);
      const set =
        text === undefined
          ? undefined
          : IpRangeSet.fromIpBlock(
              text.includes('/') ? text : text.includes(':') ? `${text}/128` : `${text}/32`,
              [],
            );
      if (text !== undefined && !set) r.invalid(item, `${path}.${key}[${i}]`, `"${text}" is not a CIDR.`);
      if (set) sets.push(set);
    });
    return get(map, key) === undefined ? undefined : rangesUnion(sets);
  };
  const nets = readNets('nets');
  const notNets = readNets('notNets');
  if (nets) parts.push(netsSet(nets, origin));
  if (notNets) exclusions.push(netsSet(notNets, origin));

  const selector = readSelector(r, get(map, 'selector'), `${path}.selector`);
  const notSelector = readSelector(r, get(map, 'notSelector'), `${path}.notSelector`);
  const nsSelector = readSelector(r, get(map, 'namespaceSelector'), `${path}.namespaceSelector`);
  // Selectors are scoped to the policy's namespace in a NetworkPolicy unless namespaceSelector is set.
  const scope = (w: Workload, nsLabels: Readonly<Record<string, string>>) =>
    nsSelector
      ? evaluateCalicoSelector(nsSelector.selector, namespaceSelectorLabels(w.namespace, nsLabels))
      : policyNamespace === undefined || w.namespace === policyNamespace;
  // Endpoints (never host-network pods) in the selectors' namespace scope whose labels `chosen` matches.
  const endpoints = (kind: string, chosen: SelectorRead | undefined, text: string) =>
    endpointSet({
      key: `calico-${kind}\u0000${policyNamespace ?? '*'}\u0000${nsSelector?.text ?? ''}\u0000${chosen?.text ?? ''}`,
      text,
      labelUse: chosen ? calicoLabelUse(chosen.selector) : [],
      readsServiceAccount: chosen !== undefined && readsAccount(chosen.selector),
      origin,
      pods: (w, c) => {
        if (w.hostNetwork) return false;
        const nsLabels = c.namespaceLabels(w.namespace);
        return (
          scope(w, nsLabels) && (!chosen || evaluateCalicoSelector(chosen.selector, endpointLabels(w, c)))
        );
      },
    });
  if (nsSelector || selector) {
    const where = nsSelector
      ? `in namespaces matching ${nsSelector.text}`
      : policyNamespace
        ? `in namespace ${policyNamespace}`
        : 'in every namespace';
    parts.push(
      endpoints(
        'sel',
        selector,
        `${selector ? `endpoints matching ${selector.text}` : 'all endpoints'} ${where}`,
      ),
    );
  }
  if (notSelector)
    exclusions.push(endpoints('notsel', notSelector, `endpoints matching ${notSelector.text}`));
  const sa = r.map(get(map, 'serviceAccounts'), `${path}.serviceAccounts`);
  if (sa) {
    r.fields(sa, `${path}.serviceAccounts`);
    const names = r.list(get(sa, 'names'), `${path}.serviceAccounts.names`).map((n) => r.string(n, '') ?? '');
    const saSelector = readSelector(r, get(sa, 'selector'), `${path}.serviceAccounts.selector`);
    parts.push(
      endpointSet({
        key: `calico-sa\u0000${policyNamespace ?? '*'}\u0000${names.join(',')}\u0000${saSelector?.text ?? ''}`,
        text: `pods with service account ${names.length > 0 ? names.join(' or ') : `matching ${saSelector?.text ?? ''}`}`,
        readsServiceAccount: true,
        origin,
        pods: (w, c) =>
          !w.hostNetwork &&
          scope(w, c.namespaceLabels(w.namespace)) &&
          (names.length === 0 || names.includes(w.serviceAccount ?? 'default')) &&
          (!saSelector || evaluateCalicoSelector(saSelector.selector, serviceAccountLabels(w, c))),
      }),
    );
  }
  if (get(map, 'services') !== undefined) {
    r.notModelled(
      get(map, 'services'),
      `${path}.services`,
      'a services match (the endpoints of a Service) is not modelled; it matches nothing here.',
    );
    return { ...empty, set: nothing(origin, 'a Service (not modelled)'), matchesNothing: true };
  }
  const ports = readPortList(r, get(map, 'ports'), `${path}.ports`);
  const notPorts = readPortList(r, get(map, 'notPorts'), `${path}.notPorts`);
  let set: WorkloadSet | undefined = parts.length > 0 ? allOf(parts, origin) : undefined;
  if (exclusions.length > 0) {
    const base = set ?? everything(origin, 'anything', { pods: true, hostNetwork: true, external: true });
    set = exclusions.reduce((acc, ex) => except(acc, ex, origin), base);
  }
  return {
    set,
    matchesNothing: false,
    ports: isDestination ? ports : undefined,
    notPorts: isDestination ? notPorts : undefined,
    sourcePorts: !isDestination && (ports !== undefined || notPorts !== undefined),
  };
}

function netsSet(ranges: IpRangeSet, origin: CommonRule['origin']): WorkloadSet {
  return endpointSet({
    key: `calico-nets\u0000${ranges.key}`,
    text: `addresses in ${ranges.toString()}`,
    ranges: [ranges],
    origin,
    pods: (w, c) => c.hasAddressIn(w, ranges),
    addresses: (block) => ranges.contains(block),
  });
}

function readPortList(
  r: PolicyReader,
  node: SNode | undefined,
  path: string,
): Omit<PortSpec, 'protocols'>[] | undefined {
  if (node === undefined) return undefined;
  const out: Omit<PortSpec, 'protocols'>[] = [];
  r.list(node, path).forEach((item, i) => {
    const at = `${path}[${i}]`;
    if (isScalar(item) && typeof item.value === 'number') {
      if (!Number.isInteger(item.value) || item.value < 0 || item.value > 65535)
        r.invalid(item, at, `${item.value} is not a port.`);
      else out.push({ port: item.value });
      return;
    }
    const text = r.string(item, at);
    if (text === undefined) return;
    const range = /^(\d+):(\d+)$/.exec(text);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo > hi || hi > 65535) r.invalid(item, at, `"${text}" is not a port range.`);
      else out.push({ port: lo, endPort: hi });
      return;
    }
    if (/^\d+$/.test(text)) out.push({ port: Number(text) });
    else out.push({ port: text });
  });
  return out;
}
