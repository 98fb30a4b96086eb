/**
 * The cluster DNS (settings `netpolScope.dns`): the one definition of the DNS targets, used by the
 * egress-DNS lint rules, the "Add DNS egress" fix and the reachability view.
 *
 * The DNS pods are usually not in the manifests being checked, so each target is a virtual workload
 * evaluated with the reference semantics (policy-semantics.ts `peerMatchesWorkload`, `portsOfRule`):
 * - kube-dns and CoreDNS: pods labelled `k8s-app=kube-dns` in `kube-system`; CoreDNS keeps the label for
 *   compatibility ("kubectl get pods --namespace=kube-system -l k8s-app=kube-dns",
 *   https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/), with container
 *   ports `dns` 53/UDP and `dns-tcp` 53/TCP (cluster/addons/dns/coredns in kubernetes/kubernetes).
 * - NodeLocal DNSCache: a host-network agent listening on a link-local address, "typically
 *   169.254.20.10" (https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/); only an ipBlock
 *   holding that address reaches it.
 * - OpenShift: the `dns-default` pods in `openshift-dns`, labelled
 *   `dns.operator.openshift.io/daemonset-dns=default`, listen on 5353 (`dns`/UDP, `dns-tcp`/TCP) behind
 *   a Service on 53 (openshift/cluster-dns-operator assets/dns/daemonset.yaml and service.yaml).
 *   NetworkPolicy sees the pod port, after the Service's translation, so the rule must allow 5353.
 * - custom: `dns.namespace` + `dns.podLabels`, or `dns.ip`, on `dns.port`.
 * Namespace labels come from the workspace when the namespace is declared there, else only the automatic
 * `kubernetes.io/metadata.name` label.
 * DNS needs both protocols: answers that do not fit a UDP message are retried over TCP, and RFC 7766
 * (https://www.rfc-editor.org/rfc/rfc7766) requires DNS implementations to support TCP as well as UDP.
 */
import type { DnsSettings } from '../settings.js';
import { SourceFile } from '../source/source-file.js';
import { METADATA_NAME_LABEL } from '../model/build-cluster.js';
import type { NamespaceInfo, NetworkPolicy, PolicyRule, Protocol, Workload } from '../model/types.js';
import { peerMatchesWorkload, portsOfRule } from './policy-semantics.js';
import { PortSet } from './port-set.js';
import { parseAddress } from './ip-set.js';
import { rulesOf } from '../reach/engine.js';
import type { AnalysisContext } from '../context.js';

export interface DnsTarget {
  /** `kube-dns`, `node-local-dns`, `openshift-dns` or `custom`. */
  readonly kind: string;
  /** What it is, e.g. "kube-dns/CoreDNS pods (k8s-app=kube-dns in kube-system)". */
  readonly what: string;
  /** `what` with the port: "... on port 53". */
  readonly description: string;
  /** The virtual DNS pod (host-network with an IP for address targets). */
  readonly workload: Workload;
  readonly port: number;
  /** An address (NodeLocal, custom IP), not a pod: named ports do not resolve on it. */
  readonly address: boolean;
  /** Where it is: the DNS pods' namespace and labels, or the DNS address. */
  readonly where:
    | { readonly kind: 'pods'; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
    | { readonly kind: 'address'; readonly ip: string };
}

const virtualFile = new SourceFile('<cluster DNS>', '');
const virtualOrigin = { file: virtualFile, span: { start: 0, end: 0 } };

/** True for the virtual workload of a DNS target (not a workload of the workspace). */
export function isVirtualDnsWorkload(w: Workload): boolean {
  return w.origin.file === virtualFile;
}

function podTarget(
  kind: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  port: number,
  what: string,
): DnsTarget {
  const labelText = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const full = `${what} (${labelText || 'any pod'} in ${namespace})`;
  return {
    kind,
    what: full,
    description: `${full} on port ${port}`,
    workload: {
      kind: 'Pod',
      namespace,
      name: `<${kind}>`,
      labels,
      ports: [
        { name: 'dns', port, protocol: 'UDP' },
        { name: 'dns-tcp', port, protocol: 'TCP' },
      ],
      ips: [],
      hostNetwork: false,
      owner: undefined,
      origin: virtualOrigin,
      anchor: virtualOrigin,
    },
    port,
    address: false,
    where: { kind: 'pods', namespace, labels },
  };
}

function addressTarget(kind: string, ip: string, port: number, what: string): DnsTarget {
  return {
    kind,
    what: `${what} at ${ip}`,
    description: `${what} at ${ip} on port ${port}`,
    workload: {
      kind: 'Pod',
      namespace: '',
      name: `<${kind}>`,
      labels: {},
      ports: [],
      ips: [ip],
      hostNetwork: true,
      owner: undefined,
      origin: virtualOrigin,
      anchor: virtualOrigin,
    },
    port,
    address: true,
    where: { kind: 'address', ip },
  };
}

const kubeDns = () =>
  podTarget('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' }, 53, 'kube-dns/CoreDNS pods');
const nodeLocalDns = () => addressTarget('node-local-dns', '169.254.20.10', 53, 'NodeLocal DNSCache');
const openshiftDns = () =>
  podTarget(
    'openshift-dns',
    'openshift-dns',
    { 'dns.operator.openshift.io/daemonset-dns': 'default' },
    5353,
    'OpenShift DNS pods',
  );

/** The DNS targets the settings accept; a pod is served when it reaches any one of them on both protocols. */
export function dnsTargets(dns: DnsSettings): DnsTarget[] {
  switch (dns.target) {
    case 'auto':
      return [kubeDns(), nodeLocalDns(), openshiftDns()];
    case 'kube-dns':
      return [kubeDns()];
    case 'node-local-dns':
      return [nodeLocalDns()];
    case 'openshift-dns':
      return [openshiftDns()];
    case 'custom':
      if (dns.ip !== '' && parseAddress(dns.ip))
        return [addressTarget('custom', dns.ip, dns.port, 'the DNS server')];
      return [podTarget('custom', dns.namespace, dns.podLabels, dns.port, 'the DNS pods')];
  }
}

/** "the cluster DNS (a, b or c)" or the one target's description. */
export function dnsTargetsPhrase(targets: readonly DnsTarget[]): string {
  if (targets.length === 1) return targets[0]!.description;
  const items = targets.map((t) => t.description);
  return `the cluster DNS (${items.slice(0, -1).join(', ')} or ${items[items.length - 1]})`;
}

/** The DNS ports of the targets (53, 5353, a custom port). */
export function dnsPorts(targets: readonly DnsTarget[]): ReadonlySet<number> {
  return new Set([53, ...targets.map((t) => t.port)]);
}

/** What the DNS rules of one analysis share: the targets and the namespaces including the DNS ones. */
export interface DnsContext {
  readonly targets: readonly DnsTarget[];
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
}

const contexts = new WeakMap<AnalysisContext, DnsContext>();

export function dnsContext(ctx: AnalysisContext): DnsContext {
  let out = contexts.get(ctx);
  if (out) return out;
  const targets = dnsTargets(ctx.settings.dns);
  const namespaces = new Map(ctx.workspace.model.namespaces);
  for (const t of targets) {
    const ns = t.workload.namespace;
    if (ns !== '' && !namespaces.has(ns)) {
      namespaces.set(ns, { name: ns, labels: { [METADATA_NAME_LABEL]: ns }, origin: undefined });
    }
  }
  out = { targets, namespaces };
  contexts.set(ctx, out);
  return out;
}

/** True when a rule's peers match the target (a rule without peers matches everything). */
export function ruleReaches(
  dns: DnsContext,
  policy: NetworkPolicy,
  rule: PolicyRule,
  target: DnsTarget,
): boolean {
  if (rule.peers === 'all') return true;
  return rule.peers.some((peer) => peerMatchesWorkload(peer, policy, target.workload, dns.namespaces));
}

/** The ports a rule opens on the target (none when its peers do not match it). */
export function rulePortsTo(
  dns: DnsContext,
  policy: NetworkPolicy,
  rule: PolicyRule,
  target: DnsTarget,
): PortSet {
  if (!ruleReaches(dns, policy, rule, target)) return PortSet.none;
  return portsOfRule(rule, target.address ? undefined : target.workload.ports);
}

/** The ports the egress rules of `policies` open together on the target. */
export function egressPortsTo(
  dns: DnsContext,
  policies: readonly NetworkPolicy[],
  target: DnsTarget,
): PortSet {
  let out = PortSet.none;
  for (const policy of policies) {
    for (const rule of rulesOf(policy, 'egress')) out = out.union(rulePortsTo(dns, policy, rule, target));
  }
  return out;
}

/** The DNS protocols `ports` allow on the target's port. */
export function dnsProtocols(ports: PortSet, target: DnsTarget): Protocol[] {
  return (['UDP', 'TCP'] as const).filter((p) => ports.has(p, target.port));
}

/** True when the egress rules of `policies` allow UDP and TCP to at least one DNS target. */
export function allowsDns(dns: DnsContext, policies: readonly NetworkPolicy[]): boolean {
  return dns.targets.some((t) => dnsProtocols(egressPortsTo(dns, policies, t), t).length === 2);
}
