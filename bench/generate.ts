/**
 * Deterministic generator of realistic cluster manifests for the benchmarks.
 *
 *   node --import tsx bench/generate.ts <small|medium|large|xlarge> [--out <dir>] [--seed <n>]
 *
 * Writes multi-document YAML files into `.bench-data/<size>/` (git-ignored): labelled namespaces
 * (team, env), Pods as `kubectl get -o yaml` prints them (ReplicaSet replicas with identical labels,
 * named container ports, `status.podIP`/`podIPs` on most, a host-network DaemonSet), the controllers
 * and Services around them, and NetworkPolicies of the shapes real clusters use (default deny, DNS
 * egress to kube-system, namespace-by-label, podSelector AND namespaceSelector peers, matchExpressions,
 * named ports, endPort ranges, ipBlocks with IPv4 and IPv6 `except`, `namespaceSelector: {}`).
 *
 * The same size and seed always give byte-identical files (a seeded PRNG, no Math.random, no clock).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SizeSpec {
  readonly pods: number;
  readonly policies: number;
  /**
   * Adds the other policy APIs (issue 10): ClusterNetworkPolicies in both tiers, a Calico tier with
   * GlobalNetworkPolicies, and per application namespace a Calico NetworkPolicy and a CiliumNetworkPolicy
   * with an L7 rule, on top of the NetworkPolicies.
   */
  readonly mixed?: boolean;
}

export const sizes: Readonly<Record<string, SizeSpec>> = {
  small: { pods: 100, policies: 20 },
  medium: { pods: 1_000, policies: 200 },
  large: { pods: 10_000, policies: 2_000 },
  xlarge: { pods: 50_000, policies: 5_000 },
  mixed: { pods: 10_000, policies: 2_000, mixed: true },
};

/** Bumped whenever the output changes, so the benchmark regenerates stale data. */
export const GENERATOR_VERSION = 3;

/** Namespaces per file, so that the data spreads over several multi-document files. */
const NAMESPACES_PER_FILE = 25;
/** Pods and policies per application namespace, at most (the larger sizes get bigger namespaces). */
const PODS_PER_NAMESPACE = 50;
const POLICIES_PER_NAMESPACE = 10;

// ---------------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32): small, fast and good enough for picking shapes.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A Kubernetes-style random suffix (`7d9f8`). */
  suffix(length: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------
// A small YAML emitter: block style like kubectl's output, strings quoted only when YAML 1.1 would
// read them as something else.

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

/** Characters a plain scalar may hold here (no `: `, `#`, spaces or flow indicators). */
const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./:-]*$/;
const YAML11_WORDS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
/** YAML 1.1 numbers, including sexagesimal (`10:30`) and hex/binary forms. */
const YAML11_NUMBER = /^([-+]?[0-9][0-9_:]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0[xXbB][0-9a-fA-F_]+)$/;

function scalarText(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  const plain =
    PLAIN.test(value) && !value.endsWith(':') && !YAML11_WORDS.test(value) && !YAML11_NUMBER.test(value);
  return plain ? value : JSON.stringify(value);
}

function isEmptyCollection(value: Yaml): boolean {
  return Array.isArray(value)
    ? value.length === 0
    : typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function emit(value: Yaml, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null && !isEmptyCollection(item)) {
        const lines: string[] = [];
        emit(item, indent + '  ', lines);
        // The first line of the item goes after the dash.
        out.push(`${indent}- ${lines[0]!.slice(indent.length + 2)}`, ...lines.slice(1));
      } else out.push(`${indent}- ${inline(item)}`);
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'object' && item !== null && !isEmptyCollection(item)) {
        out.push(`${indent}${scalarText(key)}:`);
        emit(item, Array.isArray(item) ? indent : indent + '  ', out);
      } else out.push(`${indent}${scalarText(key)}: ${inline(item)}`);
    }
    return;
  }
  out.push(`${indent}${inline(value)}`);
}

function inline(value: Yaml): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object' && value !== null) return '{}';
  return scalarText(value);
}

export function toYamlDocuments(documents: readonly Yaml[]): string {
  const out: string[] = [];
  for (const doc of documents) {
    out.push('---');
    emit(doc, '', out);
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------
// The cluster.

const TEAMS = [
  'payments',
  'search',
  'identity',
  'catalog',
  'checkout',
  'data',
  'ml',
  'growth',
  'platform',
  'mobile',
  'ads',
  'risk',
];
const ENVS = ['prod', 'staging', 'dev'];
const COMPONENTS = [
  'web',
  'api',
  'gateway',
  'worker',
  'cache',
  'db',
  'queue',
  'auth',
  'indexer',
  'scheduler',
  'reporter',
  'proxy',
];

type Tier = 'frontend' | 'backend' | 'db' | 'cache' | 'worker';
const TIER_OF: Readonly<Record<string, Tier>> = {
  web: 'frontend',
  gateway: 'frontend',
  proxy: 'frontend',
  api: 'backend',
  auth: 'backend',
  indexer: 'backend',
  reporter: 'backend',
  cache: 'cache',
  db: 'db',
  queue: 'db',
  worker: 'worker',
  scheduler: 'worker',
};

interface Namespace {
  readonly name: string;
  readonly team: string;
  readonly env: string;
  /** Index into the /16 pod networks (one per node pool). */
  readonly index: number;
}

interface App {
  readonly namespace: Namespace;
  readonly name: string;
  readonly component: string;
  readonly tier: Tier;
  readonly version: string;
  readonly hash: string;
  readonly replicas: number;
}

interface ContainerPortSpec {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP';
}

function portsOf(tier: Tier, component: string): ContainerPortSpec[] {
  const metrics: ContainerPortSpec = { name: 'metrics', containerPort: 9090, protocol: 'TCP' };
  switch (tier) {
    case 'frontend':
      return [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'https', containerPort: 8443, protocol: 'TCP' },
        metrics,
      ];
    case 'backend':
      return [
        { name: 'grpc', containerPort: 9000, protocol: 'TCP' },
        { name: 'http', containerPort: 8000, protocol: 'TCP' },
        metrics,
      ];
    case 'db':
      return component === 'queue'
        ? [{ name: 'amqp', containerPort: 5672, protocol: 'TCP' }, metrics]
        : [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }, metrics];
    case 'cache':
      return [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }, metrics];
    case 'worker':
      return [metrics];
  }
}

class Cluster {
  readonly random: Random;
  readonly namespaces: Namespace[] = [];
  private podCount = 0;
  private ipCounter = 0;

  constructor(
    readonly spec: SizeSpec,
    seed: number,
  ) {
    this.random = new Random(seed);
  }

  get pods(): number {
    return this.podCount;
  }

  /** A pod IP in the namespace's node pool network, 10.<pool>.x.y. */
  podIp(namespace: Namespace): string {
    const n = this.ipCounter++;
    return `10.${namespace.index % 64}.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }

  podIpv6(namespace: Namespace): string {
    const n = this.ipCounter++;
    return `fd00:10:${(namespace.index % 64).toString(16)}::${n.toString(16)}`;
  }

  /** Pod objects for one replica set, as a cluster dump shows them. */
  podsOf(app: App, count: number, extra: { hostNetwork?: boolean; nodeIps?: boolean } = {}): Yaml[] {
    const out: Yaml[] = [];
    const ports = portsOf(app.tier, app.component);
    for (let i = 0; i < count; i++) {
      const name = `${app.name}-${app.hash}-${this.random.suffix(5)}`;
      const labels: Record<string, string> = {
        app: app.name,
        'app.kubernetes.io/name': app.component,
        tier: app.tier,
        team: app.namespace.team,
        version: app.version,
        'pod-template-hash': app.hash,
      };
      const pod: Record<string, Yaml> = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: app.namespace.name,
          labels,
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: `${app.name}-${app.hash}`,
              uid: `${this.random.suffix(8)}-${this.random.suffix(4)}-${this.random.suffix(4)}`,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          ...(extra.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
          serviceAccountName: app.name,
          containers: [
            {
              name: app.component,
              image: `registry.example.com/${app.namespace.team}/${app.component}:${app.version}.${this.random.int(0, 9)}`,
              ports: ports.map((p) => ({ ...p })),
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: ports[0]!.name }, periodSeconds: 10 },
            },
          ],
        },
      };
      // Most pods are running and carry their IPs; some are pending (no IP yet); some are dual-stack.
      const state = this.random.next();
      if (extra.nodeIps) {
        const n = this.ipCounter++;
        const ip = `192.168.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
        pod['status'] = { phase: 'Running', hostIP: ip, podIP: ip, podIPs: [{ ip }] };
      } else if (state < 0.7) {
        const ip = this.podIp(app.namespace);
        pod['status'] = { phase: 'Running', podIP: ip, podIPs: [{ ip }] };
      } else if (state < 0.8) {
        const ip = this.podIp(app.namespace);
        pod['status'] = {
          phase: 'Running',
          podIP: ip,
          podIPs: [{ ip }, { ip: this.podIpv6(app.namespace) }],
        };
      } else pod['status'] = { phase: 'Pending' };
      out.push(pod);
      this.podCount++;
    }
    return out;
  }

  /** The Deployment, ReplicaSet and Service of an application (the controller objects of its pods). */
  controllersOf(app: App): Yaml[] {
    const selector = { app: app.name, 'pod-template-hash': app.hash };
    const template = {
      metadata: {
        labels: {
          app: app.name,
          'app.kubernetes.io/name': app.component,
          tier: app.tier,
          team: app.namespace.team,
          version: app.version,
        },
      },
      spec: {
        containers: [
          {
            name: app.component,
            image: `registry.example.com/${app.namespace.team}/${app.component}:${app.version}`,
            ports: portsOf(app.tier, app.component).map((p) => ({ ...p })),
          },
        ],
      },
    };
    const ports = portsOf(app.tier, app.component);
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: app.name, namespace: app.namespace.name, labels: { app: app.name } },
        spec: { replicas: app.replicas, selector: { matchLabels: { app: app.name } }, template },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${app.name}-${app.hash}`,
          namespace: app.namespace.name,
          labels: selector,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app.name, controller: true }],
        },
        spec: {
          replicas: app.replicas,
          selector: { matchLabels: selector },
          template: {
            ...template,
            metadata: { labels: { ...template.metadata.labels, 'pod-template-hash': app.hash } },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app.name, namespace: app.namespace.name },
        spec: {
          selector: { app: app.name },
          ports: ports.map((p) => ({
            name: p.name,
            port: p.containerPort,
            targetPort: p.name,
            protocol: p.protocol,
          })),
        },
      },
    ];
  }
}

function namespaceObject(name: string, labels: Record<string, string>): Yaml {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  };
}

function app(
  cluster: Cluster,
  namespace: Namespace,
  component: string,
  replicas: number,
  name = component,
): App {
  return {
    namespace,
    name,
    component,
    tier: TIER_OF[component] ?? 'backend',
    version: cluster.random.pick(['v1', 'v2', 'v3']),
    hash: cluster.random.suffix(9),
    replicas,
  };
}

/** kube-system (DNS), ingress-nginx and monitoring (a host-network node exporter and Prometheus). */
function systemObjects(cluster: Cluster): { namespaces: Yaml[]; workloads: Yaml[] } {
  const sys = (name: string, index: number): Namespace => ({ name, team: 'platform', env: 'prod', index });
  const kubeSystem = sys('kube-system', 0);
  const ingress = sys('ingress-nginx', 1);
  const monitoring = sys('monitoring', 2);
  const dns = { ...app(cluster, kubeSystem, 'dns', 2, 'coredns'), tier: 'backend' as Tier };
  const dnsPods = cluster.podsOf(dns, 2).map((pod) => {
    // CoreDNS carries the k8s-app label DNS policies select, and serves on UDP and TCP 53.
    const p = pod as {
      metadata: { labels: Record<string, string> };
      spec: { containers: Array<{ ports: unknown }> };
    };
    p.metadata.labels['k8s-app'] = 'kube-dns';
    p.spec.containers[0]!.ports = [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
    ];
    return pod;
  });
  const nodes = Math.max(3, Math.round(cluster.spec.pods / 100));
  const exporter = app(cluster, monitoring, 'worker', nodes, 'node-exporter');
  const prometheus = app(cluster, monitoring, 'worker', 2, 'prometheus');
  const controller = app(cluster, ingress, 'proxy', 3, 'ingress-nginx-controller');
  const workloads: Yaml[] = [
    // kubectl get -A -o yaml prints a List; the system namespaces come that way.
    {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [
        ...dnsPods,
        ...cluster.podsOf(controller, controller.replicas).map((pod) => {
          const p = pod as { metadata: { labels: Record<string, string> } };
          p.metadata.labels['app.kubernetes.io/name'] = 'ingress-nginx';
          return pod;
        }),
        ...cluster.podsOf(prometheus, 2).map((pod) => {
          (pod as { metadata: { labels: Record<string, string> } }).metadata.labels['app'] = 'prometheus';
          return pod;
        }),
      ],
    },
    ...cluster.podsOf(exporter, nodes, { hostNetwork: true, nodeIps: true }),
  ];
  return {
    namespaces: [
      namespaceObject('kube-system', {}),
      namespaceObject('ingress-nginx', { team: 'platform', env: 'prod' }),
      namespaceObject('monitoring', { team: 'platform', env: 'prod' }),
    ],
    workloads,
  };
}

// ---------------------------------------------------------------------------------------------------
// NetworkPolicies. Each application namespace gets the same sequence of shapes, cut at its budget:
// the first ones (default deny, DNS) are what nearly every hardened namespace has.

type PolicyShape = (ns: Namespace, apps: readonly App[], random: Random, n: number) => Yaml;

const policy = (ns: Namespace, name: string, spec: Yaml): Yaml => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns.name, labels: { 'app.kubernetes.io/managed-by': 'netpol-bench' } },
  spec,
});

const byTier = (apps: readonly App[], tier: Tier, random: Random) =>
  apps.filter((a) => a.tier === tier)[0] ?? random.pick(apps);

const shapes: readonly PolicyShape[] = [
  (ns) => policy(ns, 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  (ns) =>
    policy(ns, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
  // podSelector AND namespaceSelector peer, named ports.
  (ns) =>
    policy(ns, 'frontend-from-ingress', {
      podSelector: { matchLabels: { tier: 'frontend' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
            },
          ],
          ports: [{ port: 'http' }, { port: 'https' }],
        },
      ],
    }),
  // matchExpressions In/NotIn, endPort range, namespaces chosen by team and env.
  (ns) =>
    policy(ns, 'backend-from-frontend', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'worker'] }] },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { tier: 'frontend' } } },
            {
              namespaceSelector: {
                matchLabels: { team: ns.team },
                matchExpressions: [
                  { key: 'env', operator: 'In', values: ns.env === 'prod' ? ['prod'] : ['staging', 'dev'] },
                ],
              },
              podSelector: {
                matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db', 'cache'] }],
              },
            },
          ],
          ports: [{ port: 'grpc' }, { protocol: 'TCP', port: 8000, endPort: 8100 }],
        },
      ],
    }),
  // ipBlock with except, IPv4 and IPv6.
  (ns) =>
    policy(ns, 'frontend-egress-internet', {
      podSelector: { matchLabels: { tier: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              ipBlock: {
                cidr: '0.0.0.0/0',
                except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.169.254/32'],
              },
            },
            { ipBlock: { cidr: '::/0', except: ['fd00::/8', 'fe80::/10'] } },
          ],
          ports: [
            { protocol: 'TCP', port: 443 },
            { protocol: 'TCP', port: 80 },
          ],
        },
        {
          to: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] } }],
          ports: [{ port: 'grpc' }, { port: 'http' }],
        },
      ],
    }),
  // `namespaceSelector: {}`: Prometheus in any namespace scrapes the metrics port.
  (ns) =>
    policy(ns, 'allow-metrics-scrape', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }],
          ports: [{ port: 'metrics' }],
        },
      ],
    }),
  (ns, apps, random) => {
    const db = byTier(apps, 'db', random);
    return policy(ns, `${db.name}-from-backend`, {
      podSelector: { matchLabels: { app: db.name } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              podSelector: {
                matchExpressions: [
                  { key: 'tier', operator: 'In', values: ['backend', 'worker'] },
                  { key: 'version', operator: 'Exists' },
                ],
              },
            },
          ],
          ports: [{ port: 'postgres' }, { protocol: 'TCP', port: 5672 }, { protocol: 'TCP', port: 6379 }],
        },
      ],
    });
  },
  // Egress to a partner range per team, with an excepted half and an IPv6 range.
  (ns) => {
    const t = TEAMS.indexOf(ns.team);
    return policy(ns, 'backend-egress-partner', {
      podSelector: { matchLabels: { tier: 'backend' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            { ipBlock: { cidr: `203.0.${t}.0/24`, except: [`203.0.${t}.128/25`] } },
            { ipBlock: { cidr: `2001:db8:${t}::/48`, except: [`2001:db8:${t}:ff::/64`] } },
          ],
          ports: [{ protocol: 'TCP', port: 443 }],
        },
        {
          to: [
            { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'cache'] }] } },
          ],
        },
      ],
    });
  },
  // Namespaces chosen by label from another team.
  (ns, apps, random) => {
    const target = byTier(apps, 'backend', random);
    return policy(ns, `${target.name}-from-partner-team`, {
      podSelector: { matchLabels: { app: target.name } },
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { team: random.pick(TEAMS), env: ns.env } } }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
      ],
    });
  },
  // Node traffic (kubelet probes, host-network agents) from the node network.
  (ns) =>
    policy(ns, 'allow-from-nodes', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { ipBlock: { cidr: '192.168.0.0/16' } },
            { ipBlock: { cidr: `10.${ns.index % 64}.0.0/16`, except: [`10.${ns.index % 64}.255.0/24`] } },
          ],
        },
      ],
    }),
];

/** Further policies beyond the shapes above: one per application, allowing its own clients. */
const perAppShape = (ns: Namespace, target: App, random: Random, n: number): Yaml =>
  policy(ns, `${target.name}-clients-${n}`, {
    podSelector: { matchLabels: { app: target.name, tier: target.tier } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { podSelector: { matchLabels: { team: ns.team } } },
          {
            namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] },
            podSelector: { matchLabels: { tier: 'frontend' } },
          },
        ],
        ports: portsOf(target.tier, target.component).map((p) => ({ port: p.name })),
      },
    ],
    egress: [{ to: [{ podSelector: { matchLabels: { tier: random.pick(['db', 'cache', 'backend']) } } }] }],
  });

// ---------------------------------------------------------------------------------------------------

/** The policies of the other APIs for the `mixed` size (see {@link SizeSpec}). */
function otherApiPolicies(namespaces: readonly Namespace[]): Yaml[] {
  const out: Yaml[] = [];
  const teams = [...new Set(namespaces.map((ns) => ns.team))];
  teams.forEach((team, i) => {
    out.push({
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: `team-${team}` },
      spec: {
        tier: 'Admin',
        priority: 10 + i,
        subject: { namespaces: { matchLabels: { team } } },
        ingress: [
          {
            name: 'pass-monitoring',
            action: 'Pass',
            from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          },
          { name: 'accept-own-team', action: 'Accept', from: [{ namespaces: { matchLabels: { team } } }] },
          {
            name: 'deny-debug',
            action: 'Deny',
            from: [{ namespaces: {} }],
            protocols: [{ tcp: { destinationPort: { range: { start: 6000, end: 6100 } } } }],
          },
        ],
        egress: [{ name: 'deny-metadata', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }],
      },
    });
  });
  out.push({
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: { name: 'baseline' },
    spec: {
      tier: 'Baseline',
      priority: 0,
      subject: { namespaces: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } },
      ingress: [{ name: 'deny-rest', action: 'Deny', from: [{ namespaces: {} }] }],
    },
  });
  out.push({
    apiVersion: 'projectcalico.org/v3',
    kind: 'Tier',
    metadata: { name: 'security' },
    spec: { order: 100 },
  });
  out.push({
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    metadata: { name: 'security.quarantine' },
    spec: {
      tier: 'security',
      order: 10,
      selector: "has(team) && version != 'quarantined'",
      types: ['Ingress', 'Egress'],
      ingress: [{ action: 'Pass' }],
      egress: [{ action: 'Deny', destination: { nets: ['10.255.0.0/16'] } }, { action: 'Pass' }],
    },
  });
  for (const ns of namespaces) {
    out.push({
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkPolicy',
      metadata: { name: 'same-namespace', namespace: ns.name },
      spec: {
        order: 500,
        selector: "tier in {'backend', 'db', 'cache'}",
        ingress: [
          {
            action: 'Allow',
            protocol: 'TCP',
            source: { selector: 'all()' },
            destination: { ports: ['1:65535'] },
          },
        ],
      },
    });
    out.push({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'frontend-l7', namespace: ns.name },
      spec: {
        endpointSelector: { matchLabels: { tier: 'frontend' } },
        ingress: [
          {
            fromEntities: ['cluster'],
            toPorts: [
              {
                ports: [{ port: '8080', protocol: 'TCP' }],
                rules: { http: [{ method: 'GET', path: '/.*' }] },
              },
            ],
          },
        ],
        ingressDeny: [{ fromEntities: ['world'], toPorts: [{ ports: [{ port: '9090' }] }] }],
      },
    });
  }
  return out;
}

export interface GeneratedCluster {
  /** File names and their multi-document YAML text. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly text: string }>;
  readonly pods: number;
  readonly policies: number;
  readonly namespaces: number;
}

/** Generates a cluster in memory. */
export function generateFiles(spec: SizeSpec, seed = 1): GeneratedCluster {
  const cluster = new Cluster(spec, seed);
  const random = cluster.random;
  const system = systemObjects(cluster);

  // Application namespaces: about 50 pods and 10 policies each, fewer (bigger) namespaces when the
  // policy budget is smaller, so every size gets the same mix of policy shapes.
  const byPods = (spec.pods - cluster.pods) / PODS_PER_NAMESPACE;
  const appNamespaceCount = Math.max(2, Math.round(Math.min(byPods, spec.policies / POLICIES_PER_NAMESPACE)));
  const namespaces: Namespace[] = [];
  for (let i = 0; i < appNamespaceCount; i++) {
    const team = TEAMS[i % TEAMS.length]!;
    const env = ENVS[Math.floor(i / TEAMS.length) % ENVS.length]!;
    namespaces.push({
      name: `${team}-${env}-${Math.floor(i / (TEAMS.length * ENVS.length))}`,
      team,
      env,
      index: i + 3,
    });
  }

  const budgetPerNamespace = spec.policies / namespaces.length;
  let policiesWritten = 0;
  const files: Array<{ name: string; documents: Yaml[] }> = [
    {
      name: '00-namespaces.yaml',
      documents: [
        ...system.namespaces,
        ...namespaces.map((ns) => namespaceObject(ns.name, { team: ns.team, env: ns.env })),
      ],
    },
    { name: '01-system.yaml', documents: system.workloads },
  ];

  for (let start = 0; start < namespaces.length; start += NAMESPACES_PER_FILE) {
    const chunk = namespaces.slice(start, start + NAMESPACES_PER_FILE);
    const workloads: Yaml[] = [];
    const policies: Yaml[] = [];
    chunk.forEach((ns, k) => {
      const i = start + k;
      const remainingNamespaces = namespaces.length - i;
      const podBudget = Math.round((spec.pods - cluster.pods) / remainingNamespaces);
      const apps = namespaceApps(cluster, ns, podBudget);
      for (const a of apps) {
        workloads.push(...cluster.controllersOf(a));
        workloads.push(...cluster.podsOf(a, a.replicas));
      }
      const target = Math.round(budgetPerNamespace * (i + 1)) - policiesWritten;
      for (let n = 0; n < target; n++) {
        policies.push(
          n < shapes.length
            ? shapes[n]!(ns, apps, random, n)
            : perAppShape(ns, apps[n % apps.length]!, random, n),
        );
      }
      policiesWritten += target;
    });
    const index = String(start / NAMESPACES_PER_FILE).padStart(3, '0');
    files.push({ name: `10-workloads-${index}.yaml`, documents: workloads });
    files.push({ name: `20-policies-${index}.yaml`, documents: policies });
  }

  if (spec.mixed) {
    const documents = otherApiPolicies(namespaces);
    files.push({ name: '30-other-apis.yaml', documents });
    policiesWritten += documents.length;
  }

  return {
    files: files.map((file) => ({ name: file.name, text: toYamlDocuments(file.documents) })),
    pods: cluster.pods,
    policies: policiesWritten,
    namespaces: namespaces.length + 3,
  };
}

export interface GenerateResult {
  readonly directory: string;
  readonly pods: number;
  readonly policies: number;
  readonly namespaces: number;
  readonly files: number;
}

/** Generates a cluster into `directory`, replacing the manifests a previous run left there. */
export function generate(spec: SizeSpec, directory: string, seed = 1): GenerateResult {
  const cluster = generateFiles(spec, seed);
  mkdirSync(directory, { recursive: true });
  for (const name of readdirSync(directory))
    if (/\.(ya?ml|json|txt)$/.test(name)) rmSync(join(directory, name));
  for (const file of cluster.files) writeFileSync(join(directory, file.name), file.text);
  const { pods, policies, namespaces } = cluster;
  const result = { directory, pods, policies, namespaces, files: cluster.files.length };
  writeFileSync(
    join(directory, 'bench-info.txt'),
    JSON.stringify({ generator: GENERATOR_VERSION, seed, ...spec, ...result }) + '\n',
  );
  return result;
}

/** Applications of one namespace, with replica counts adding up to about `podBudget` pods. */
function namespaceApps(cluster: Cluster, ns: Namespace, podBudget: number): App[] {
  const random = cluster.random;
  const apps: App[] = [];
  let left = podBudget;
  let n = 0;
  // The first components give every namespace a frontend, a backend and a database.
  while (left > 0) {
    const component = n < 3 ? ['web', 'api', 'db'][n]! : random.pick(COMPONENTS);
    // Most apps run a few replicas; some run many; a few run one (debug pods, singletons).
    const wanted = random.chance(0.1) ? random.int(8, 16) : random.chance(0.2) ? 1 : random.int(2, 5);
    const replicas = Math.min(left, wanted);
    apps.push(app(cluster, ns, component, replicas, n < 3 ? component : `${component}-${n}`));
    left -= replicas;
    n++;
  }
  return apps;
}

/** Generates the data of a size into .bench-data/<size>/ unless it is there with the current generator version. */
export function ensureData(size: string): string {
  const directory = join(__dirname, '..', '.bench-data', size);
  const info = join(directory, 'bench-info.txt');
  const current =
    existsSync(info) &&
    (JSON.parse(readFileSync(info, 'utf8')) as { generator?: number }).generator === GENERATOR_VERSION;
  if (!current) {
    process.stderr.write(`generating ${size} into ${directory} ...\n`);
    generate(sizes[size]!, directory);
  }
  return directory;
}

function main(argv: readonly string[]): void {
  const name = argv[0];
  const spec = name !== undefined ? sizes[name] : undefined;
  if (!name || !spec) {
    process.stderr.write(`usage: generate.ts <${Object.keys(sizes).join('|')}> [--out <dir>] [--seed <n>]\n`);
    process.exitCode = 2;
    return;
  }
  const option = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const directory = option('--out') ?? join('.bench-data', name);
  const result = generate(spec, directory, Number(option('--seed') ?? 1));
  process.stdout.write(
    `${result.directory}: ${result.pods} pods, ${result.policies} policies, ${result.namespaces} namespaces, ${result.files} files\n`,
  );
}

if (process.argv[1] && /generate\.[cm]?[jt]s$/.test(process.argv[1])) main(process.argv.slice(2));
