/**
 * Cilium `cilium.io/v2` CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy, read into the common
 * rule model.
 *
 * From the Cilium documentation (https://docs.cilium.io/en/stable/security/policy/language/,
 * .../policy/intro/, .../policy/deny/, .../policy/kubernetes/):
 * - `endpointSelector` selects the pods a policy applies to, in the policy's namespace for a
 *   CiliumNetworkPolicy and in every namespace for a CiliumClusterwideNetworkPolicy; `nodeSelector`
 *   makes it a host policy (nodes, parsed and reported as not modelled). `spec` or `specs` (a list).
 * - Default deny: "an endpoint is in default-deny mode for a direction as soon as a rule with that
 *   direction selects it" (an `ingress`/`ingressDeny` section, likewise egress), unless the policy says
 *   `enableDefaultDeny: {ingress: false}`. Allowed traffic is the union of every selecting policy's
 *   allow rules, Kubernetes NetworkPolicies included; "deny policies take precedence over allow".
 * - A rule matches the peers of its `from*`/`to*` fields (any of them); with `toPorts` and no peer it
 *   matches every peer (L4-only rule); with neither (`ingress: [{}]`) it matches nothing.
 * - `fromEndpoints`/`toEndpoints`: LabelSelectors over the endpoint's labels: the pod's labels (with or
 *   without the `k8s:`/`any:` source prefix), `io.kubernetes.pod.namespace`,
 *   `io.cilium.k8s.policy.serviceaccount`, `io.cilium.k8s.namespace.labels.<key>`. In a namespaced policy
 *   they match pods of the policy's namespace unless they name `io.kubernetes.pod.namespace`.
 * - Entities: `world` (outside the cluster), `cluster` (every pod, and nodes), `host` and `remote-node`
 *   (nodes: here the host-network pods), `all`; `kube-apiserver`, `health`, `init`, `ingress`,
 *   `unmanaged` are endpoints the workspace does not show.
 * - `fromCIDR`/`toCIDR`/`fromCIDRSet`/`toCIDRSet` (`cidr`, `except`): addresses outside the cluster;
 *   "CIDR rules do not apply to traffic where both sides are ... managed by Cilium" (pods).
 * - `toPorts[].ports[]`: `port` (number, name, or 0/absent for every port), `endPort`, `protocol` TCP,
 *   UDP, SCTP or ANY (default ANY). `toPorts[].rules.http[]` (`method`, `path`, `host`, `headers`):
 *   only matching requests pass ("the proxy rejects the others with 403"); an allow of the same port
 *   without L7 rules admits every request. `rules.dns` lets the DNS proxy see lookups.
 * - `toFQDNs`: names resolved at run time, external endpoints of their own (see `fqdnSet`).
 */
import type { KubeObject } from '../parse/kube-objects.js';
import { objectAnchor } from '../parse/kube-objects.js';
import { get, isMap, isScalar, isSeq, stringValue } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';
import { buildSelector } from '../model/build-selector.js';
import type { CommonPolicy, CommonRule, HttpMatch, WorkloadSet } from '../model/rule-model.js';
import type { Direction, LabelSelector, Protocol, Workload } from '../model/types.js';
import { IpRangeSet } from '../semantics/ip-set.js';
import { selectorKey, selectorMatches, selectorText } from '../semantics/selector.js';
import { ciliumLayer } from './layers.js';
import { rulePorts } from './ports.js';
import type { PortSpec } from './ports.js';
import { PolicyReader } from './reader.js';
import { schemaOf } from './schemas.js';
import { addressSet, anyOf, endpointSet, everything, nothing, rangesUnion } from './sets.js';

const NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
const SERVICE_ACCOUNT_LABEL = 'io.cilium.k8s.policy.serviceaccount';
const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';

/** The labels Cilium gives a pod's endpoint (without source prefixes). */
export function ciliumEndpointLabels(
  w: Workload,
  namespaceLabels: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...w.labels };
  out[NAMESPACE_LABEL] = w.namespace;
  out[SERVICE_ACCOUNT_LABEL] = w.serviceAccount ?? 'default';
  out['io.cilium.k8s.policy.cluster'] = 'default';
  for (const [k, v] of Object.entries(namespaceLabels)) out[`${NAMESPACE_LABELS_PREFIX}${k}`] = v;
  return out;
}

/** `k8s:app` and `any:app` are `app`; `reserved:` keys name identities that are not pods. */
function normaliseKey(key: string): string {
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const source = key.slice(0, colon);
  return source === 'k8s' || source === 'any' ? key.slice(colon + 1) : key;
}

function normaliseSelector(selector: LabelSelector): LabelSelector {
  return {
    ...selector,
    requirements: selector.requirements.map((r) => ({ ...r, key: normaliseKey(r.key) })),
  };
}

const syntheticKeys = (key: string) =>
  key === NAMESPACE_LABEL ||
  key === SERVICE_ACCOUNT_LABEL ||
  key.startsWith(NAMESPACE_LABELS_PREFIX) ||
  key.startsWith('io.cilium.');

/** Pods whose endpoint labels a (normalised) selector matches, within `namespace` when given. */
function endpointsBySelector(
  selector: LabelSelector,
  namespace: string | undefined,
  origin: CommonRule['origin'],
): WorkloadSet {
  const reserved = selector.requirements.some((r) => r.key.startsWith('reserved:'));
  return endpointSet({
    key: `cilium-ep\u0000${namespace ?? '*'}\u0000${selectorKey(selector)}`,
    text: `pods with ${selectorText(selector)}${namespace ? ` in namespace ${namespace}` : ''}`,
    labelUse: selector.requirements
      .filter((r) => !syntheticKeys(r.key))
      .map((r) => [r.key, r.values] as const),
    readsServiceAccount: selector.requirements.some((r) => r.key === SERVICE_ACCOUNT_LABEL),
    origin,
    pods: reserved
      ? undefined
      : (w, c) =>
          !w.hostNetwork &&
          (namespace === undefined || w.namespace === namespace) &&
          selectorMatches(selector, ciliumEndpointLabels(w, c.namespaceLabels(w.namespace))),
  });
}

const entities = [
  'world',
  'world-ipv4',
  'world-ipv6',
  'cluster',
  'host',
  'remote-node',
  'kube-apiserver',
  'ingress',
  'health',
  'init',
  'unmanaged',
  'all',
] as const;
type Entity = (typeof entities)[number];

function entitySet(entity: Entity, origin: CommonRule['origin']): WorkloadSet {
  switch (entity) {
    case 'world':
    case 'world-ipv4':
    case 'world-ipv6':
      return everything(origin, `the entity ${entity} (outside the cluster)`, {
        pods: false,
        hostNetwork: false,
        external: true,
      });
    case 'cluster':
      return everything(origin, 'the entity cluster (every pod and node)', {
        pods: true,
        hostNetwork: true,
        external: false,
      });
    case 'host':
    case 'remote-node':
      return everything(origin, `the entity ${entity} (nodes: the host-network pods)`, {
        pods: false,
        hostNetwork: true,
        external: false,
      });
    case 'all':
      return everything(origin, 'the entity all', { pods: true, hostNetwork: true, external: true });
    default:
      return nothing(origin, `the entity ${entity}`);
  }
}

/**
 * `toFQDNs`: names as external endpoints of their own. `matchName` is a name, `matchPattern` a glob where
 * `*` stands for any run of DNS characters ("*.github.com" matches "api.github.com"; a lone "*" every
 * name). A name endpoint is matched by a literal equal to it or a pattern that matches it.
 */
function fqdnSet(fqdns: readonly string[], origin: CommonRule['origin']): WorkloadSet {
  const patterns = fqdns.map(
    (f) =>
      new RegExp(
        `^${f
          .toLowerCase()
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[-a-z0-9.]*')}\\.?$`,
      ),
  );
  const set = endpointSet({
    key: `fqdn\u0000${[...fqdns].sort().join(',')}`,
    text: `the names ${fqdns.join(', ')}`,
    origin,
  });
  return {
    ...set,
    matchesName: (name) => fqdns.includes(name) || patterns.some((p) => p.test(name.toLowerCase())),
  };
}

export function readCiliumPolicy(
  object: KubeObject,
  namespace: string,
): { policies: CommonPolicy[]; reader: PolicyReader } {
  const kind = object.kind!;
  const clusterwide = kind === 'CiliumClusterwideNetworkPolicy';
  const name = object.name ?? '<unnamed>';
  const policyNamespace = clusterwide ? undefined : (object.namespace ?? namespace);
  const r = new PolicyReader(
    object,
    `${kind} ${clusterwide ? name : `${policyNamespace}/${name}`}`,
    true,
    schemaOf(kind),
  );
  r.fields(object.node, '');
  const specNodes: Array<{ node: SNode; path: string }> = [];
  const spec = get(object.node, 'spec');
  if (spec !== undefined) specNodes.push({ node: spec, path: 'spec' });
  r.list(get(object.node, 'specs'), 'specs').forEach((node, i) =>
    specNodes.push({ node, path: `specs[${i}]` }),
  );
  if (specNodes.length === 0) r.invalid(object.node, 'spec', 'a policy needs spec or specs.');
  const policies: CommonPolicy[] = [];
  for (const { node, path } of specNodes) {
    const policy = readSpec(r, object, node, path, kind, name, policyNamespace);
    if (policy) policies.push(policy);
  }
  return { policies: r.rejected ? [] : policies, reader: r };
}

function readSpec(
  r: PolicyReader,
  object: KubeObject,
  spec: SNode,
  path: string,
  kind: string,
  name: string,
  policyNamespace: string | undefined,
): CommonPolicy | undefined {
  if (!isMap(spec)) {
    r.invalid(spec, path, 'must be an object.');
    return undefined;
  }
  r.fields(spec, path);
  const file = object.file;
  const endpointNode = get(spec, 'endpointSelector');
  const nodeNode = get(spec, 'nodeSelector');
  if (nodeNode !== undefined) {
    r.notModelled(
      nodeNode,
      `${path}.nodeSelector`,
      'a host policy applies to nodes, which the workspace does not show; it is not modelled.',
    );
    return undefined;
  }
  if (endpointNode === undefined) {
    r.invalid(spec, `${path}.endpointSelector`, 'one of endpointSelector, nodeSelector is required.');
    return undefined;
  }
  const subjectSelector = normaliseSelector(buildSelector(file, endpointNode));
  const subject = endpointsBySelector(subjectSelector, policyNamespace, r.origin(endpointNode));
  const enable = r.map(get(spec, 'enableDefaultDeny'), `${path}.enableDefaultDeny`);
  r.fields(enable, `${path}.enableDefaultDeny`);
  const defaultDeny = (d: Direction) => {
    const v = get(enable, d);
    return !(isScalar(v) && v.value === false);
  };
  const present = (key: string) => {
    const n = get(spec, key);
    return isSeq(n) && n.items.length > 0;
  };
  const rules: CommonRule[] = [];
  const hasIngress = present('ingress') || present('ingressDeny');
  const hasEgress = present('egress') || present('egressDeny');
  const policy: CommonPolicy = {
    api: 'CiliumNetworkPolicy',
    kind,
    name,
    namespace: policyNamespace,
    layer: ciliumLayer,
    order: 0,
    orderName: undefined,
    subject,
    affectsIngress: hasIngress,
    affectsEgress: hasEgress,
    // `enableDefaultDeny: {ingress: false}`: the rules apply, the pod is not isolated by this policy.
    isolatesIngress: defaultDeny('ingress'),
    isolatesEgress: defaultDeny('egress'),
    rules,
    origin: r.origin(object.node),
    anchor: { file, span: objectAnchor(object) },
    v1: undefined,
  };
  for (const [key, direction, deny] of [
    ['ingress', 'ingress', false],
    ['ingressDeny', 'ingress', true],
    ['egress', 'egress', false],
    ['egressDeny', 'egress', true],
  ] as const) {
    r.list(get(spec, key), `${path}.${key}`).forEach((item, index) =>
      rules.push(
        ...readRule(r, policy, item, `${path}.${key}[${index}]`, direction, index, deny, policyNamespace),
      ),
    );
  }
  return policy;
}

function readRule(
  r: PolicyReader,
  policy: CommonPolicy,
  node: SNode,
  path: string,
  direction: Direction,
  index: number,
  deny: boolean,
  policyNamespace: string | undefined,
): CommonRule[] {
  if (!isMap(node)) {
    r.invalid(node, path, 'must be an object.');
    return [];
  }
  r.fields(node, path);
  const file = r.object.file;
  const prefix = direction === 'ingress' ? 'from' : 'to';
  const peers: WorkloadSet[] = [];
  let peerFieldSeen = false;
  for (const item of r.list(get(node, `${prefix}Endpoints`), `${path}.${prefix}Endpoints`)) {
    peerFieldSeen = true;
    const selector = normaliseSelector(buildSelector(file, item));
    const namesNamespace = selector.requirements.some((q) => q.key === NAMESPACE_LABEL);
    peers.push(endpointsBySelector(selector, namesNamespace ? undefined : policyNamespace, r.origin(item)));
  }
  r.list(get(node, `${prefix}Entities`), `${path}.${prefix}Entities`).forEach((item, i) => {
    peerFieldSeen = true;
    const entity = r.oneOf(item, `${path}.${prefix}Entities[${i}]`, entities);
    if (entity) peers.push(entitySet(entity, r.origin(item)));
  });
  const cidrs: IpRangeSet[] = [];
  const cidrTexts: string[] = [];
  r.list(get(node, `${prefix}CIDR`), `${path}.${prefix}CIDR`).forEach((item, i) => {
    peerFieldSeen = true;
    const text = r.string(item, `${path}.${prefix}CIDR[${i}]`);
    const set = text === undefined ? undefined : IpRangeSet.fromIpBlock(text, []);
    if (text !== undefined && !set)
      r.invalid(item, `${path}.${prefix}CIDR[${i}]`, `"${text}" is not a CIDR.`);
    if (set && text) {
      cidrs.push(set);
      cidrTexts.push(text);
    }
  });
  r.list(get(node, `${prefix}CIDRSet`), `${path}.${prefix}CIDRSet`).forEach((item, i) => {
    peerFieldSeen = true;
    const at = `${path}.${prefix}CIDRSet[${i}]`;
    r.fields(item, at);
    const cidr = r.string(get(item, 'cidr'), `${at}.cidr`);
    const exceptions = r
      .list(get(item, 'except'), `${at}.except`)
      .map((e) => r.string(e, `${at}.except`) ?? '');
    if (cidr === undefined) {
      r.notModelled(
        item,
        at,
        'a CIDR group reference is resolved by Cilium from CiliumCIDRGroup objects; it is not modelled and matches nothing here.',
      );
      return;
    }
    const set = IpRangeSet.fromIpBlock(cidr, exceptions);
    if (!set) r.invalid(item, at, `"${cidr}" with except ${exceptions.join(', ')} is not a valid CIDR set.`);
    else {
      cidrs.push(set);
      cidrTexts.push(exceptions.length > 0 ? `${cidr} except ${exceptions.join(', ')}` : cidr);
    }
  });
  if (cidrs.length > 0)
    peers.push(addressSet(rangesUnion(cidrs), `addresses in ${cidrTexts.join(', ')}`, r.origin(node), false));
  for (const unmodelled of [`${prefix}Requires`, `${prefix}Groups`, `${prefix}Nodes`, 'toServices']) {
    const value = get(node, unmodelled);
    if (value === undefined || (unmodelled.startsWith('to') && direction === 'ingress' && prefix === 'from'))
      continue;
    peerFieldSeen = true;
    r.notModelled(value, `${path}.${unmodelled}`, `${unmodelled} is not modelled; it matches nothing here.`);
    peers.push(nothing(r.origin(value), unmodelled));
  }
  // Read once: a toFQDNs that is not a list is reported once.
  const fqdnItems = r.list(get(node, 'toFQDNs'), `${path}.toFQDNs`);
  const fqdns = fqdnItems
    .flatMap((f) => [stringValue(get(f, 'matchName')), stringValue(get(f, 'matchPattern'))])
    .filter((x): x is string => x !== undefined);
  if (fqdns.length > 0) {
    peerFieldSeen = true;
    peers.push(fqdnSet(fqdns, r.origin(get(node, 'toFQDNs'))));
  }
  const fqdnNames = fqdnItems.some((f) => stringValue(get(f, 'matchName')) !== undefined);
  const toPortsItems = r.list(get(node, 'toPorts'), `${path}.toPorts`);
  const icmps = get(node, 'icmps') !== undefined;
  // No peer field: an L4-only rule (toPorts) matches every peer; a rule with neither matches none.
  const rulePeers: readonly WorkloadSet[] | 'all' = peerFieldSeen
    ? peers
    : toPortsItems.length > 0
      ? 'all'
      : [];
  const make = (
    portsOn: CommonRule['portsOn'],
    namedPorts: boolean,
    http: readonly HttpMatch[] | undefined,
    origin: SNode,
    dnsProxy = false,
  ): CommonRule => ({
    policy,
    direction,
    index,
    name: undefined,
    action: deny ? 'deny' : 'allow',
    peers: rulePeers,
    portsOn,
    namedPorts,
    http,
    ...(fqdns.length > 0 ? { fqdns, fqdnNames } : {}),
    ...(dnsProxy ? { dnsProxy } : {}),
    origin: r.origin(origin),
  });
  if (toPortsItems.length === 0) {
    // Only ICMP: no TCP/UDP/SCTP port.
    const ports = rulePorts(icmps ? [] : 'all');
    return [make(ports.portsOn, ports.namedPorts, undefined, node)];
  }
  return toPortsItems.map((item, i) => {
    const at = `${path}.toPorts[${i}]`;
    r.fields(item, at);
    const specs: PortSpec[] = [];
    const portItems = r.list(get(item, 'ports'), `${at}.ports`);
    portItems.forEach((p, j) => {
      const pat = `${at}.ports[${j}]`;
      r.fields(p, pat);
      const protocolText = r.oneOf(get(p, 'protocol'), `${pat}.protocol`, [
        'TCP',
        'UDP',
        'SCTP',
        'ICMP',
        'ICMPv6',
        'ANY',
      ] as const);
      const protocols: Protocol[] =
        protocolText === undefined || protocolText === 'ANY'
          ? ['TCP', 'UDP', 'SCTP']
          : protocolText === 'ICMP' || protocolText === 'ICMPv6'
            ? []
            : [protocolText];
      const portNode = get(p, 'port');
      const raw = isScalar(portNode) ? portNode.value : undefined;
      const endPort = r.integer(get(p, 'endPort'), `${pat}.endPort`);
      if (raw === undefined || raw === null || raw === 0 || raw === '0' || raw === '')
        specs.push({ protocols });
      else if (typeof raw === 'number' || /^\d+$/.test(String(raw))) {
        const port = Number(raw);
        if (port < 1 || port > 65535) r.invalid(portNode, `${pat}.port`, `${port} is not a port.`);
        else specs.push({ protocols, port, endPort });
      } else specs.push({ protocols, port: String(raw) });
    });
    const ports = rulePorts(portItems.length === 0 ? 'all' : specs);
    const rulesNode = r.map(get(item, 'rules'), `${at}.rules`);
    let http: HttpMatch[] | undefined;
    if (rulesNode) {
      r.fields(rulesNode, `${at}.rules`);
      const httpItems = r.list(get(rulesNode, 'http'), `${at}.rules.http`);
      // "L7 rules can only apply to TCP (not UDP) except for DNS rules" (Cilium's rule sanitizer).
      if (httpItems.length > 0 && specs.some((spec) => !spec.protocols.includes('TCP')))
        r.invalid(
          get(rulesNode, 'http'),
          `${at}.rules.http`,
          'HTTP rules need TCP ports (UDP and SCTP carry no HTTP); Cilium refuses the rule.',
        );
      if (deny && httpItems.length > 0)
        r.invalid(get(rulesNode, 'http'), `${at}.rules.http`, 'deny rules cannot carry L7 rules.');
      if (httpItems.length > 0)
        http = httpItems.map((h, k) => {
          const hat = `${at}.rules.http[${k}]`;
          r.fields(h, hat);
          const headers = r
            .list(get(h, 'headers'), `${hat}.headers`)
            .map((x) => r.string(x, `${hat}.headers`) ?? '');
          return {
            method: r.string(get(h, 'method'), `${hat}.method`),
            path: r.string(get(h, 'path'), `${hat}.path`),
            host: r.string(get(h, 'host'), `${hat}.host`),
            headers: headers.length > 0 ? headers : undefined,
          };
        });
      for (const other of ['kafka', 'l7proto', 'l7'])
        if (get(rulesNode, other) !== undefined)
          r.notModelled(
            get(rulesNode, other),
            `${at}.rules.${other}`,
            `${other} L7 rules are not modelled; the port is read as open to every request.`,
          );
    }
    return make(
      ports.portsOn,
      ports.namedPorts,
      http,
      node,
      rulesNode !== undefined && get(rulesNode, 'dns') !== undefined,
    );
  });
}

/**
 * `toFQDNs` works only for pods whose DNS lookups go through Cilium's DNS proxy: "the DNS proxy must see
 * the lookups for toFQDNs to learn the IPs" (https://docs.cilium.io/en/stable/security/dns/). So an FQDN
 * rule applies only to the pods some Cilium policy with an egress `rules.dns` rule selects (lint rule
 * cilium-fqdn-without-dns says so where none does). Returns the policies with that narrowing applied.
 */
export function requireDnsProxy(policies: readonly CommonPolicy[]): CommonPolicy[] {
  const proxied = policies
    .filter(
      (p) => p.api === 'CiliumNetworkPolicy' && p.rules.some((r) => r.direction === 'egress' && r.dnsProxy),
    )
    .map((p) => p.subject);
  return policies.map((policy) => {
    if (!policy.rules.some((r) => r.fqdns)) return policy;
    const rules: CommonRule[] = [];
    const copy: CommonPolicy = { ...policy, rules };
    for (const rule of policy.rules)
      rules.push({
        ...rule,
        policy: copy,
        ...(rule.fqdns
          ? { self: anyOf(proxied, rule.origin, 'pods whose DNS lookups go through the DNS proxy') }
          : {}),
      });
    return copy;
  });
}
