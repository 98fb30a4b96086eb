/**
 * Least-privilege NetworkPolicies from observed traffic (issue 11, "Generate least-privilege policies"):
 * - per namespace with observed workloads, a default deny of ingress and egress (unless the workspace
 *   already has one) and DNS egress to the configured cluster DNS on UDP and TCP 53;
 * - per destination workload one ingress policy, per source workload one egress policy, with exactly the
 *   observed peers and ports: peers of the same namespace by `podSelector`, of another namespace with
 *   `namespaceSelector` on `kubernetes.io/metadata.name`, addresses outside the cluster as `/32` (`/128`)
 *   ipBlocks; a workload is selected by the smallest set of its labels that selects exactly its pods in
 *   its namespace (never a broader selector);
 * - a connection the workspace's policies already allow on an isolated side needs no new rule on that
 *   side; observed flows the cluster denied are not turned into rules;
 * - every rule carries a comment with the flows that justify it (count and time range).
 * The output is YAML text; `verifyGenerated` re-runs the dry run with it to check it by construction.
 */
import type { ClusterModel, Workload } from '../model/types.js';
import { stableLabels } from '../model/types.js';
import type { ReachabilityEngine } from '../reach/engine.js';
import { rulesOf } from '../reach/engine.js';
import { portsOfRule } from '../semantics/policy-semantics.js';
import type { Settings } from '../settings.js';
import { formatScalar, YamlEditor, detectStyle } from '../fixes/yaml-edit.js';
import type { YamlValue } from '../fixes/yaml-edit.js';
import { applyEdits } from '../fixes/types.js';
import { loadManifests } from '../parse/yaml-loader.js';
import { get, isMap, isSeq, pairOf } from '../parse/snode.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { SourceFile } from '../source/source-file.js';
import type { Span } from '../source/source-file.js';
import { METADATA_NAME_LABEL } from '../model/build-cluster.js';
import type { Workspace } from '../model/build-cluster.js';
import { policySelects } from '../semantics/policy-semantics.js';
import { formatAddress, parseAddress } from '../semantics/ip-set.js';
import type { ObservedEdge, VerifyReport } from './verify.js';
import { connectionKey, flagsOf } from './verify.js';
import { workloadNode } from '../reach/graph.js';
import { pushTo } from '../collections.js';

/** The smallest label subset of `w` that selects exactly the pods of its node among its namespace's workloads. */
export function minimalLabels(
  w: Workload,
  members: ReadonlySet<Workload>,
  inNamespace: readonly Workload[],
): Record<string, string> | undefined {
  const candidates = Object.entries(stableLabels(w));
  const exact = (subset: ReadonlyArray<readonly [string, string]>) =>
    subset.length > 0 &&
    inNamespace.every((o) => subset.every(([k, v]) => o.labels[k] === v) === members.has(o));
  for (let size = 1; size <= Math.min(3, candidates.length); size++) {
    const found = combinations(candidates, size).find(exact);
    if (found) return Object.fromEntries(found);
  }
  return exact(candidates) ? Object.fromEntries(candidates) : undefined;
}

function combinations<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of combinations(items.slice(i + 1), size - 1)) out.push([item, ...rest]);
  });
  return out;
}

interface Peer {
  readonly key: string;
  readonly lines: readonly string[];
  /** The workload-level nodes a pod peer stands for. */
  readonly nodes?: readonly string[];
  /** The same peer for CiliumNetworkPolicy: endpoints by labels (and namespace), or CIDRs. */
  readonly cilium:
    | { readonly namespace: string; readonly labels: Record<string, string> }
    | { readonly cidrs: readonly string[] };
}

interface RuleAcc {
  readonly peer: Peer;
  /** Why some of its flows were flagged (verify.ts flagsOf): said in a comment, to review before applying. */
  readonly flags: Set<string>;
  readonly ports: Set<string>;
  /** Observed HTTP requests per port (`TCP/8080` → `METHOD path` → count). */
  readonly http: Map<string, Map<string, number>>;
  count: number;
  first: string | undefined;
  last: string | undefined;
}

export interface GenerateResult {
  readonly yaml: string;
  readonly policies: number;
  /** The documents of workspace policies that the output extends (it holds their updated versions). */
  readonly extended: ReadonlyArray<{ readonly path: string; readonly span: Span }>;
  /** Workloads that could not be selected exactly by their labels (their flows got no rule). */
  readonly unselectable: readonly string[];
}

const q = (v: string) => formatScalar(v);

/**
 * How the generated policies fared against the flows they came from (checked by construction: the
 * workspace with the generated set, dry-run against the same flows). Connections the cluster denied when
 * they were observed are left denied, and said so.
 */
export function generatedCheckText(generated: GenerateResult, report: VerifyReport): string {
  const observedDenied = report.observed.filter(
    (o) => !o.allowed && o.verdicts.every((v) => v === 'denied'),
  ).length;
  return (
    `${generated.policies} policies generated; checked against the same flows: ` +
    `${report.summary.edges} observed connections, ${report.wouldBreak.length - observedDenied} would break` +
    `${observedDenied > 0 ? ` (and ${observedDenied} the cluster denied when observed, left denied)` : ''}` +
    `${generated.unselectable.length > 0 ? `; no exact label selector for ${generated.unselectable.join(', ')} (their flows got no rule)` : ''}`
  );
}

export interface GenerateOptions {
  /**
   * Prefix lengths that addresses outside the cluster are aggregated to (`/24`: one ipBlock per observed
   * /24 network); absent: one `/32` (`/128`) per address.
   */
  readonly aggregateV4?: number;
  readonly aggregateV6?: number;
  /**
   * Write CiliumNetworkPolicies (cilium.io/v2) instead of NetworkPolicies: the same rules, with the observed
   * HTTP requests of a port as its L7 rules (`rules.http`), and DNS through Cilium's DNS proxy.
   */
  readonly cilium?: boolean;
  /**
   * The workspace the policies are generated for: where one of its NetworkPolicies already selects exactly a
   * workload's pods for the direction, the observed rules extend that policy (the output holds it with its
   * rules and the new ones, under its name: applied, it updates it) instead of adding another object.
   */
  readonly workspace?: Workspace;
}

/** An observed address as the ipBlock the options ask for: the address itself, or its network. */
export function blockOf(ip: string, options: GenerateOptions): string {
  const parsed = parseAddress(ip);
  if (!parsed) return `${ip}/${ip.includes(':') ? 128 : 32}`;
  const bits = parsed.family === 4 ? 32 : 128;
  const prefix = Math.max(
    0,
    Math.min(bits, (parsed.family === 4 ? options.aggregateV4 : options.aggregateV6) ?? bits),
  );
  const host = BigInt(bits - prefix);
  const network = (parsed.value >> host) << host;
  return `${formatAddress(parsed.family, network)}/${prefix}`;
}

export function generatePolicies(
  model: ClusterModel,
  engine: ReachabilityEngine,
  edges: readonly ObservedEdge[],
  settings: Settings,
  options: GenerateOptions = {},
): GenerateResult {
  const byNamespace = new Map<string, Workload[]>();
  for (const w of model.workloads) pushTo(byNamespace, w.namespace, w);
  // The pods a node stands for: the members of the observed endpoint's class that share its node id.
  const selectorOf = new Map<string, Record<string, string> | undefined>();
  const unselectable = new Set<string>();
  const selector = (id: string, w: Workload): Record<string, string> | undefined => {
    if (!selectorOf.has(id)) {
      const inNamespace = byNamespace.get(w.namespace) ?? [];
      const members = new Set(inNamespace.filter((o) => workloadNode(o).id === id));
      const labels = minimalLabels(w, members, inNamespace);
      if (!labels) unselectable.add(id);
      selectorOf.set(id, labels);
    }
    return selectorOf.get(id);
  };
  const labelLines = (labels: Record<string, string>, indent: string) =>
    Object.entries(labels).map(([k, v]) => `${indent}${q(k)}: ${q(v)}`);

  const ingress = new Map<string, { w: Workload; rules: Map<string, RuleAcc> }>();
  const egress = new Map<string, { w: Workload; rules: Map<string, RuleAcc> }>();
  const namespaces = new Set<string>();
  const flagged = new Map<string, string[]>();
  for (const f of flagsOf(edges))
    pushTo(flagged, connectionKey(f.from, f.to, f.protocol, f.port), `${f.kind}: ${f.reason}`);
  const add = (table: typeof ingress, self: Workload, selfId: string, peer: Peer, e: ObservedEdge) => {
    let entry = table.get(selfId);
    if (!entry) table.set(selfId, (entry = { w: self, rules: new Map() }));
    let rule = entry.rules.get(peer.key);
    if (!rule)
      entry.rules.set(
        peer.key,
        (rule = {
          peer,
          flags: new Set(),
          ports: new Set(),
          http: new Map(),
          count: 0,
          first: undefined,
          last: undefined,
        }),
      );
    rule.ports.add(`${e.protocol}/${e.port}`);
    if (e.http.size > 0) {
      let requests = rule.http.get(`${e.protocol}/${e.port}`);
      if (!requests) rule.http.set(`${e.protocol}/${e.port}`, (requests = new Map()));
      for (const [request, n] of e.http) requests.set(request, (requests.get(request) ?? 0) + n);
    }
    for (const f of flagged.get(connectionKey(e.from, e.to, e.protocol, e.port)) ?? []) rule.flags.add(f);
    rule.count += e.count;
    if (e.first && (!rule.first || e.first < rule.first)) rule.first = e.first;
    if (e.last && (!rule.last || e.last > rule.last)) rule.last = e.last;
  };
  const peerOf = (
    self: Workload,
    otherId: string,
    other: Workload | undefined,
    addresses: ReadonlySet<string>,
  ): Peer | undefined => {
    if (!other) {
      const cidrs = [...new Set([...addresses].map((ip) => blockOf(ip, options)))].sort();
      if (cidrs.length === 0) return undefined;
      return {
        key: `ip:${cidrs.join(',')}`,
        lines: cidrs.map((c) => `- ipBlock:\n    cidr: ${q(c)}`),
        cilium: { cidrs },
      };
    }
    const labels = selector(otherId, other);
    if (!labels) return undefined;
    return podPeer(self, other.namespace, labels, `pod:${otherId}`, [otherId]);
  };
  /** A peer of pods by labels (in another namespace with a namespaceSelector too). */
  const podPeer = (
    self: Workload,
    namespace: string,
    labels: Record<string, string>,
    key: string,
    nodes: readonly string[],
  ): Peer => {
    const pod = ['  podSelector:', '    matchLabels:', ...labelLines(labels, '      ')];
    const cilium = { namespace, labels };
    if (namespace === self.namespace) return { key, lines: [`- ${pod.join('\n').slice(2)}`], cilium, nodes };
    return {
      key,
      cilium,
      nodes,
      lines: [
        [
          '- namespaceSelector:',
          '    matchLabels:',
          `      kubernetes.io/metadata.name: ${q(namespace)}`,
          ...pod,
        ].join('\n'),
      ],
    };
  };

  /**
   * Pod peers of one workload's rules that share a namespace and ports become one peer when a set of labels
   * selects exactly their workloads together (productpage → reviews-v1, -v2, -v3 on 9080: `app: reviews`);
   * never a broader selector.
   */
  const groupPeers = (table: typeof ingress) => {
    for (const { w: self, rules } of table.values()) {
      const groups = new Map<string, RuleAcc[]>();
      for (const rule of rules.values()) {
        const peer = rule.peer.cilium;
        if ('cidrs' in peer || !rule.peer.nodes) continue;
        pushTo(groups, `${peer.namespace}\u0000${[...rule.ports].sort().join(',')}`, rule);
      }
      for (const group of groups.values()) {
        let rest = group;
        while (rest.length >= 2) {
          const merged = mergeable(rest);
          if (!merged) break;
          const { covered, labels } = merged;
          const namespace = (covered[0]!.peer.cilium as { namespace: string }).namespace;
          const nodes = covered.flatMap((r) => r.peer.nodes ?? []);
          const key = `group:${namespace}:${JSON.stringify(labels)}:${[...covered[0]!.ports].sort().join(',')}`;
          const acc: RuleAcc = {
            peer: podPeer(self, namespace, labels, key, nodes),
            flags: new Set(covered.flatMap((r) => [...r.flags])),
            ports: new Set(covered[0]!.ports),
            http: new Map(),
            count: covered.reduce((n, r) => n + r.count, 0),
            first: covered
              .map((r) => r.first)
              .filter((t): t is string => t !== undefined)
              .sort()[0],
            last: covered
              .map((r) => r.last)
              .filter((t): t is string => t !== undefined)
              .sort()
              .at(-1),
          };
          for (const r of covered) {
            for (const [port, requests] of r.http) {
              let into = acc.http.get(port);
              if (!into) acc.http.set(port, (into = new Map()));
              for (const [request, n] of requests) into.set(request, (into.get(request) ?? 0) + n);
            }
            rules.delete(r.peer.key);
          }
          rules.set(key, acc);
          rest = rest.filter((r) => !covered.includes(r));
        }
      }
    }
  };
  /** The workloads of a pod peer's nodes. */
  const membersOf = (rule: RuleAcc): Workload[] => {
    const namespace = (rule.peer.cilium as { namespace: string }).namespace;
    const nodes = new Set(rule.peer.nodes ?? []);
    return (byNamespace.get(namespace) ?? []).filter((o) => nodes.has(workloadNode(o).id));
  };
  /**
   * The largest set of (two or more) peers of a group that one label selects exactly (no other workload
   * of the namespace has it), or all of them by their smallest exact label set; undefined when none.
   */
  const mergeable = (
    group: readonly RuleAcc[],
  ): { covered: RuleAcc[]; labels: Record<string, string> } | undefined => {
    const namespace = (group[0]!.peer.cilium as { namespace: string }).namespace;
    const inNamespace = byNamespace.get(namespace) ?? [];
    const members = new Map(group.map((r) => [r, membersOf(r)] as const));
    const all = new Set([...members.values()].flat());
    const whole = [...all][0] && minimalLabels([...all][0]!, all, inNamespace);
    if (whole) return { covered: [...group], labels: whole };
    let best: { covered: RuleAcc[]; labels: Record<string, string> } | undefined;
    const candidates = new Set(
      [...all].flatMap((w) => Object.entries(stableLabels(w)).map(([k, v]) => JSON.stringify([k, v]))),
    );
    for (const candidate of candidates) {
      const [k, v] = JSON.parse(candidate) as [string, string];
      const covered = group.filter((r) => members.get(r)!.every((w) => w.labels[k] === v));
      if (covered.length < 2 || (best && covered.length <= best.covered.length)) continue;
      const union = new Set(covered.flatMap((r) => members.get(r)!));
      const exact = inNamespace.every((o) => (o.labels[k] === v) === union.has(o));
      if (exact) best = { covered, labels: { [k]: v } };
    }
    return best;
  };

  // A node's own workload (a class's representative may be another workload that behaves alike).
  const workloadOfNode = new Map<string, Workload>();
  for (const w of model.workloads) {
    const id = workloadNode(w).id;
    if (!workloadOfNode.has(id)) workloadOfNode.set(id, w);
  }
  for (const e of edges) {
    if (e.observedVerdicts.size === 1 && e.observedVerdicts.has('denied')) continue;
    const src = e.src.kind === 'class' ? workloadOfNode.get(e.from) : undefined;
    const dst = e.dst.kind === 'class' ? workloadOfNode.get(e.to) : undefined;
    const verdict = engine.verdict(e.src, e.dst);
    // Ingress of the destination: unless its existing policies isolate it and already allow the flow.
    if (dst && !(verdict.ingress.isolated && verdict.ingress.ports.has(e.protocol, e.port))) {
      const peer = peerOf(dst, e.from, src, e.addresses);
      if (peer && selector(e.to, dst)) {
        add(ingress, dst, e.to, peer, e);
        namespaces.add(dst.namespace);
      }
    }
    if (src && !(verdict.egress.isolated && verdict.egress.ports.has(e.protocol, e.port))) {
      const peer = peerOf(src, e.to, dst, e.addresses);
      if (peer && selector(e.from, src)) {
        add(egress, src, e.from, peer, e);
        namespaces.add(src.namespace);
      }
    }
  }

  const docs: string[] = [];
  const dns = settings.dns;
  // Names the workspace already uses stay theirs: a second object of one name would replace the first.
  const taken = new Set(model.policies.map((p) => `${p.namespace}/${p.name}`));
  const unique = (ns: string, base: string): string => {
    let name = base;
    for (let i = 2; taken.has(`${ns}/${name}`); i++) name = `${base}-observed${i === 2 ? '' : `-${i - 1}`}`;
    taken.add(`${ns}/${name}`);
    return name;
  };
  for (const ns of [...namespaces].sort()) {
    // What the namespace's policies already do for every pod (an empty podSelector): isolate each
    // direction, and allow DNS (UDP and TCP 53) on egress. Only what is missing is generated.
    const everyPod = model.policies.filter(
      (p) => !p.rejected && p.namespace === ns && p.podSelector.requirements.length === 0,
    );
    const isolated = {
      Ingress: everyPod.some((p) => p.affectsIngress),
      Egress: everyPod.some((p) => p.affectsEgress),
    };
    const missing = (['Ingress', 'Egress'] as const).filter((t) => !isolated[t]);
    if (missing.length > 0 && options.cilium)
      docs.push(
        [
          '# Default deny: every pod of the namespace is isolated (a rule that matches nothing); the policies below allow what was observed.',
          'apiVersion: cilium.io/v2',
          'kind: CiliumNetworkPolicy',
          'metadata:',
          `  name: ${q(unique(ns, 'default-deny'))}`,
          `  namespace: ${q(ns)}`,
          'spec:',
          '  endpointSelector: {}',
          ...missing.map((t) => `  ${t.toLowerCase()}: [{}]`),
        ].join('\n'),
      );
    else if (missing.length > 0)
      docs.push(
        [
          `# Default deny${missing.length === 1 ? ` (${missing[0]!.toLowerCase()}; the namespace's policies isolate the other direction already)` : ''}: every pod of the namespace is isolated; the policies below allow what was observed.`,
          'apiVersion: networking.k8s.io/v1',
          'kind: NetworkPolicy',
          'metadata:',
          `  name: ${q(unique(ns, 'default-deny'))}`,
          `  namespace: ${q(ns)}`,
          'spec:',
          '  podSelector: {}',
          `  policyTypes: [${missing.join(', ')}]`,
        ].join('\n'),
      );
    const dnsAllowed = everyPod.some((p) =>
      rulesOf(p, 'egress').some((r) => {
        const ports = portsOfRule(r, undefined);
        return ports.has('UDP', dns.port) && ports.has('TCP', dns.port);
      }),
    );
    if (!dnsAllowed && options.cilium)
      docs.push(
        [
          `# DNS for every pod of the namespace: the cluster DNS (${dns.namespace}) on port ${dns.port}, through Cilium's DNS proxy (which toFQDNs rules need).`,
          'apiVersion: cilium.io/v2',
          'kind: CiliumNetworkPolicy',
          'metadata:',
          `  name: ${q(unique(ns, 'allow-dns'))}`,
          `  namespace: ${q(ns)}`,
          'spec:',
          '  endpointSelector: {}',
          '  egress:',
          '    - toEndpoints:',
          '        - matchLabels:',
          `            k8s:io.kubernetes.pod.namespace: ${q(dns.namespace)}`,
          ...labelLines(dns.podLabels, '            '),
          '      toPorts:',
          `        - ports: [{port: ${q(String(dns.port))}, protocol: ANY}]`,
          '          rules:',
          '            dns: [{matchPattern: "*"}]',
        ].join('\n'),
      );
    else if (!dnsAllowed)
      docs.push(
        [
          `# DNS for every pod of the namespace: the cluster DNS (${dns.namespace}) on UDP and TCP ${dns.port}.`,
          'apiVersion: networking.k8s.io/v1',
          'kind: NetworkPolicy',
          'metadata:',
          `  name: ${q(unique(ns, 'allow-dns'))}`,
          `  namespace: ${q(ns)}`,
          'spec:',
          '  podSelector: {}',
          '  policyTypes: [Egress]',
          '  egress:',
          '    - to:',
          '        - namespaceSelector:',
          '            matchLabels:',
          `              kubernetes.io/metadata.name: ${q(dns.namespace)}`,
          '          podSelector:',
          '            matchLabels:',
          ...labelLines(dns.podLabels, '              '),
          '      ports:',
          `        - {protocol: UDP, port: ${dns.port}}`,
          `        - {protocol: TCP, port: ${dns.port}}`,
        ].join('\n'),
      );
  }
  /**
   * The policy of the workspace that selects exactly the pods of a node for a direction, if there is one
   * (and only one), written as a top-level document that can be extended.
   */
  const fitting = (id: string, w: Workload, direction: 'ingress' | 'egress') => {
    const workspace = options.workspace;
    if (!workspace) return undefined;
    const inNamespace = byNamespace.get(w.namespace) ?? [];
    const members = inNamespace.filter((o) => workloadNode(o).id === id);
    const found = model.policies.filter(
      (p) =>
        !p.rejected &&
        p.namespace === w.namespace &&
        p.podSelector.requirements.length > 0 &&
        (direction === 'ingress' ? p.affectsIngress : p.affectsEgress) &&
        inNamespace.every((o) => policySelects(p, o) === members.includes(o)),
    );
    const policy = found.length === 1 ? found[0] : undefined;
    const object = policy && workspace.policyObjects.get(policy);
    return policy && object && object.document.root === object.node ? { policy, object } : undefined;
  };
  /** A rule as a YAML value, for an edit of an existing policy. */
  const ruleValue = (rule: RuleAcc, direction: 'ingress' | 'egress', self: Workload): YamlValue => {
    const peer = rule.peer.cilium;
    const peers: YamlValue[] =
      'cidrs' in peer
        ? peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }))
        : [
            {
              ...(peer.namespace !== self.namespace
                ? { namespaceSelector: { matchLabels: { [METADATA_NAME_LABEL]: peer.namespace } } }
                : {}),
              podSelector: { matchLabels: { ...peer.labels } },
            },
          ];
    return {
      [direction === 'ingress' ? 'from' : 'to']: peers,
      ports: [...rule.ports].sort().map((p) => {
        const [protocol, port] = p.split('/');
        return { protocol: protocol!, port: Number(port) };
      }),
    };
  };
  const extendedDocs: Array<{ path: string; span: Span }> = [];
  const render = (table: typeof ingress, direction: 'ingress' | 'egress') => {
    for (const [id, { w, rules }] of [...table].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const fit = fitting(id, w, direction);
      const ordered = [...rules.values()].sort((a, b) => b.count - a.count);
      const extended =
        fit &&
        extendPolicy(
          fit.object,
          direction,
          ordered.map((r) => ruleValue(r, direction, w)),
        );
      if (fit && extended !== undefined) {
        extendedDocs.push({ path: fit.object.file.path, span: fit.object.document.span });
        const where = fit.object.file.where(fit.object.node.span.start);
        docs.push(
          [
            `# Extends NetworkPolicy ${fit.policy.namespace}/${fit.policy.name} (${where}): its rules and ${ordered.length} observed ${direction} rule${ordered.length === 1 ? '' : 's'} at the end of \`${direction}\` (${ordered
              .map((r) => `${r.count} flow${r.count === 1 ? '' : 's'}`)
              .join(', ')}); applied, it updates that policy.`,
            ...ordered.flatMap((r) => flagComments(r)),
            extended.replace(/\s+$/, ''),
          ].join('\n'),
        );
        continue;
      }
      const labels = selector(id, w)!;
      const name = unique(w.namespace, `${nameOf(id)}-${direction}`.slice(0, 240));
      const lines = [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        `  name: ${q(name)}`,
        `  namespace: ${q(w.namespace)}`,
        'spec:',
        '  podSelector:',
        '    matchLabels:',
        ...labelLines(labels, '      '),
        `  policyTypes: [${direction === 'ingress' ? 'Ingress' : 'Egress'}]`,
        `  ${direction}:`,
      ];
      for (const rule of [...rules.values()].sort((a, b) => b.count - a.count)) {
        lines.push(...ruleComments(rule).map((l) => `    ${l}`));
        lines.push(`    - ${direction === 'ingress' ? 'from' : 'to'}:`);
        for (const peerLines of rule.peer.lines)
          lines.push(...peerLines.split('\n').map((l) => `        ${l}`));
        lines.push('      ports:');
        for (const p of [...rule.ports].sort()) {
          const [protocol, port] = p.split('/');
          lines.push(`        - {protocol: ${protocol}, port: ${port}}`);
        }
      }
      docs.push(lines.join('\n'));
    }
  };
  /** The same per-workload rules as CiliumNetworkPolicies, with the observed HTTP requests as L7 rules. */
  const renderCilium = (table: typeof ingress, direction: 'ingress' | 'egress') => {
    for (const [id, { w, rules }] of [...table].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const labels = selector(id, w)!;
      const name = unique(w.namespace, `${nameOf(id)}-${direction}`.slice(0, 240));
      const lines = [
        'apiVersion: cilium.io/v2',
        'kind: CiliumNetworkPolicy',
        'metadata:',
        `  name: ${q(name)}`,
        `  namespace: ${q(w.namespace)}`,
        'spec:',
        '  endpointSelector:',
        '    matchLabels:',
        ...labelLines(labels, '      '),
        `  ${direction}:`,
      ];
      const towards = direction === 'ingress' ? 'from' : 'to';
      for (const rule of [...rules.values()].sort((a, b) => b.count - a.count)) {
        lines.push(...ruleComments(rule).map((l) => `    ${l}`));
        const peer = rule.peer.cilium;
        if ('cidrs' in peer) {
          lines.push(`    - ${towards}CIDR:`, ...peer.cidrs.map((c) => `        - ${q(c)}`));
        } else {
          lines.push(`    - ${towards}Endpoints:`, '        - matchLabels:');
          // A namespaced policy's endpoint selectors match its own namespace unless they name another.
          if (peer.namespace !== w.namespace)
            lines.push(`            k8s:io.kubernetes.pod.namespace: ${q(peer.namespace)}`);
          lines.push(...labelLines(peer.labels, '            '));
        }
        lines.push('      toPorts:');
        for (const p of [...rule.ports].sort()) {
          const [protocol, port] = p.split('/');
          lines.push(`        - ports: [{port: ${q(port!)}, protocol: ${protocol}}]`);
          const requests = [...(rule.http.get(p) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
          if (requests.length === 0 || protocol !== 'TCP') continue;
          lines.push('          rules:', '            http:');
          for (const [request] of requests) {
            const space = request.indexOf(' ');
            const method = request.slice(0, space);
            const path = request.slice(space + 1).replace(/[?#].*$/, '');
            const fields = [
              ...(method ? [`method: ${formatScalar(method, true)}`] : []),
              ...(path ? [`path: ${formatScalar(escapeRegex(path), true)}`] : []),
            ];
            lines.push(`              - {${fields.join(', ')}}`);
          }
        }
      }
      docs.push(lines.join('\n'));
    }
  };
  groupPeers(ingress);
  groupPeers(egress);
  if (options.cilium) {
    renderCilium(ingress, 'ingress');
    renderCilium(egress, 'egress');
  } else {
    render(ingress, 'ingress');
    render(egress, 'egress');
  }
  return {
    yaml: docs.length > 0 ? `${docs.join('\n---\n')}\n` : '',
    policies: docs.length,
    extended: extendedDocs,
    unselectable: [...unselectable].sort(),
  };
}

/** The comments over a generated rule: the flows behind it (count, time range) and why any were flagged. */
function ruleComments(rule: RuleAcc): string[] {
  const range = rule.first
    ? `, ${rule.first}${rule.last && rule.last !== rule.first ? ` to ${rule.last}` : ''}`
    : '';
  return [`# observed: ${rule.count} flow${rule.count === 1 ? '' : 's'}${range}`, ...flagComments(rule)];
}

/** Why a rule's flows were flagged, one comment each, to review before applying. */
function flagComments(rule: RuleAcc): string[] {
  return [...rule.flags]
    .sort()
    .map((f) => `# flagged, review before applying: ${f.replace(/[\r\n]+/g, ' ')}`);
}

/**
 * A file's text without the documents the generated output extends (blanked, offsets kept): with the
 * output, the workspace as it is once the output is applied.
 */
export function withoutExtended(path: string, text: string, extended: GenerateResult['extended']): string {
  let out = text;
  for (const e of extended)
    if (e.path === path)
      out =
        out.slice(0, e.span.start) +
        out.slice(e.span.start, e.span.end).replace(/[^\r\n]/g, ' ') +
        out.slice(e.span.end);
  return out;
}

/**
 * The text of a policy's document with `rules` appended to its `direction` list (created when absent), by
 * the editing toolkit of the quick fixes: the document's comments and layout stay. Undefined when the
 * document's layout cannot be edited safely.
 */
function extendPolicy(
  object: KubeObject,
  direction: 'ingress' | 'egress',
  rules: readonly YamlValue[],
): string | undefined {
  let text = object.file.text.slice(object.document.span.start, object.document.span.end);
  for (const rule of rules) {
    const file = new SourceFile('policy.yaml', text);
    const root = loadManifests(file).documents[0]?.root;
    if (!root) return undefined;
    const editor = new YamlEditor(file, root, detectStyle(file, [root]));
    const spec = get(root, 'spec');
    if (!isMap(spec)) return undefined;
    const list = pairOf(spec, direction);
    let edits: readonly { span: { start: number; end: number }; newText: string }[] | undefined;
    if (!list) {
      const other = direction === 'egress' ? 'ingress' : 'egress';
      edits = editor.insertPair(spec, direction, [rule], pairOf(spec, other) ? other : undefined);
    } else if (isSeq(list.value)) edits = editor.appendItem(list.value, rule);
    else if (list.value.kind === 'scalar' && list.value.value === null) edits = editor.setValue(list, [rule]);
    if (!edits) return undefined;
    text = applyEdits(text, edits);
  }
  return text;
}

/**
 * A path as Cilium matches it: its `path` is an extended POSIX regular expression over the whole path
 * (https://docs.cilium.io/en/stable/security/policy/language/#http), so the observed path's special
 * characters are escaped.
 */
function escapeRegex(path: string): string {
  return path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `ns/name[Kind]` -> `name`, as a policy name. */
function nameOf(id: string): string {
  const slash = id.indexOf('/');
  const bracket = id.lastIndexOf('[');
  return (id.slice(slash + 1, bracket < 0 ? undefined : bracket) || 'workload')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-');
}
