/**
 * The one typed definition of netpol-scope's settings (`netpolScope.*` in VS Code).
 *
 * Adding a setting: (1) add it here with its default and to `normaliseSettings`; (2) contribute it in
 * package.json `contributes.configuration` with a description, enum and default; (3) use it in the
 * core through the `Settings` object the front end hands in. Settings are per resource: the server
 * pulls them with `workspace/configuration` for each document's URI and never keeps them in globals.
 */
import type { Severity } from './findings.js';
import { flagKinds } from './flows/flag-kinds.js';
import type { FlagKind } from './flows/flag-kinds.js';

export type RuleSetting = Severity | 'off';

export const dnsTargets = ['auto', 'kube-dns', 'node-local-dns', 'openshift-dns', 'custom'] as const;
export type DnsTarget = (typeof dnsTargets)[number];

/** CNI plugins whose NetworkPolicy support is known (see lint rule cni-*). */
export const cniPlugins = [
  'unknown',
  'calico',
  'cilium',
  'antrea',
  'weave',
  'kube-router',
  'ovn-kubernetes',
  'openshift-sdn',
  'aws-vpc-cni',
  'azure-npm',
  'gke-dataplane-v2',
  'flannel',
  'kindnet',
] as const;
export type CniPlugin = (typeof cniPlugins)[number];

/**
 * Whether an ipBlock matches pods whose IPs the manifests do not show. It depends on the CNI: Calico (and
 * the upstream e2e tests) apply ipBlocks to pod IPs as to any address, Cilium does not (its CIDR rules
 * select addresses outside the cluster: "CIDR rules do not apply to traffic where both sides of the
 * connection are either managed by Cilium or use an IP belonging to a node in the cluster",
 * https://docs.cilium.io/en/stable/security/policy/language/#ip-cidr-based). `auto` follows `cni`.
 */
export const ipBlockPodModes = ['auto', 'match', 'ignore'] as const;
export type IpBlockPods = (typeof ipBlockPodModes)[number];

export interface DnsSettings {
  /** Which cluster DNS the egress-DNS rules expect; `auto` accepts any of the common ones. */
  readonly target: DnsTarget;
  /** For `custom`: the DNS pods' namespace and labels, or an IP address (NodeLocal-style), and port. */
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly ip: string;
  readonly port: number;
}

export interface Settings {
  /** Rule id -> severity or 'off'; rules not listed keep their default severity. */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly dns: DnsSettings;
  readonly cni: CniPlugin;
  /** The CNI's version (`3.31`, `1.19.2`); empty: the latest, where a feature depends on it. */
  readonly cniVersion: string;
  /** Whether ipBlocks match pods without known IPs (see {@link ipBlockPodModes}). */
  readonly ipBlockPods: IpBlockPods;
  /** Namespace of objects without metadata.namespace. */
  readonly defaultNamespace: string;
  /** Globs (relative to the workspace folder) of manifests to index. */
  readonly include: readonly string[];
  /** Globs excluded from indexing (on top of node_modules, .git and build output). */
  readonly exclude: readonly string[];
  /** Files above this size (bytes) are not analysed. */
  readonly maxFileSize: number;
  /** The reachability view shows exposure stand-ins (reach/exposure.ts), as `reach --exposure` does. */
  readonly exposure: boolean;
  /**
   * Globs (relative to the workspace folder) of flow files loaded with the workspace: the policies are
   * dry-run against them (`flow-would-drop`, hovers, the view's overlay).
   */
  readonly flows: readonly string[];
  /** The kinds of observed-traffic flags reported (flows/verify.ts `flagKinds`). */
  readonly flowFlags: readonly FlagKind[];
}

export const defaultSettings: Settings = {
  rules: {},
  dns: { target: 'auto', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, ip: '', port: 53 },
  cni: 'unknown',
  cniVersion: '',
  ipBlockPods: 'auto',
  defaultNamespace: 'default',
  include: ['**/*.yaml', '**/*.yml', '**/*.json'],
  exclude: [],
  maxFileSize: 5 * 1024 * 1024,
  exposure: false,
  flows: [],
  flowFlags: [...flagKinds],
};

const severities: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'hint', 'off']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown, fallback: readonly string[]): readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fallback;
}

function stringRecord(
  value: unknown,
  fallback: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if (!isRecord(value)) return fallback;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Turns untrusted configuration (what a client sends, possibly partial or malformed) into complete
 * Settings; anything invalid falls back to its default.
 */
export function normaliseSettings(raw: unknown): Settings {
  const d = defaultSettings;
  if (!isRecord(raw)) return d;
  const rules: Record<string, RuleSetting> = {};
  if (isRecord(raw.rules)) {
    for (const [id, value] of Object.entries(raw.rules)) {
      const severity = isRecord(value) ? value.severity : value;
      if (typeof severity === 'string' && severities.has(severity)) rules[id] = severity as RuleSetting;
    }
  }
  const dnsRaw = isRecord(raw.dns) ? raw.dns : {};
  const dns: DnsSettings = {
    target: (dnsTargets as readonly unknown[]).includes(dnsRaw.target)
      ? (dnsRaw.target as DnsTarget)
      : d.dns.target,
    namespace: typeof dnsRaw.namespace === 'string' && dnsRaw.namespace ? dnsRaw.namespace : d.dns.namespace,
    podLabels: stringRecord(dnsRaw.podLabels, d.dns.podLabels),
    ip: typeof dnsRaw.ip === 'string' ? dnsRaw.ip : d.dns.ip,
    port:
      typeof dnsRaw.port === 'number' &&
      Number.isInteger(dnsRaw.port) &&
      dnsRaw.port > 0 &&
      dnsRaw.port < 65536
        ? dnsRaw.port
        : d.dns.port,
  };
  return {
    rules,
    dns,
    cni: (cniPlugins as readonly unknown[]).includes(raw.cni) ? (raw.cni as CniPlugin) : d.cni,
    cniVersion:
      typeof raw.cniVersion === 'string' && /^v?\d+(\.\d+){0,2}$/.test(raw.cniVersion.trim())
        ? raw.cniVersion.trim().replace(/^v/, '')
        : d.cniVersion,
    ipBlockPods: (ipBlockPodModes as readonly unknown[]).includes(raw.ipBlockPods)
      ? (raw.ipBlockPods as IpBlockPods)
      : d.ipBlockPods,
    defaultNamespace:
      typeof raw.defaultNamespace === 'string' && raw.defaultNamespace
        ? raw.defaultNamespace
        : d.defaultNamespace,
    include: stringArray(raw.include, d.include),
    exclude: stringArray(raw.exclude, d.exclude),
    maxFileSize: typeof raw.maxFileSize === 'number' && raw.maxFileSize > 0 ? raw.maxFileSize : d.maxFileSize,
    exposure: typeof raw.exposure === 'boolean' ? raw.exposure : d.exposure,
    flows: typeof raw.flows === 'string' ? [raw.flows] : stringArray(raw.flows, d.flows),
    flowFlags: Array.isArray(raw.flowFlags)
      ? flagKinds.filter((k) => (raw.flowFlags as unknown[]).includes(k))
      : d.flowFlags,
  };
}

/**
 * Whether an ipBlock that holds every address of a family (`0.0.0.0/0`, `::/0`) matches pods whose IPs the
 * manifests do not show: the setting, or for `auto` the CNI (Cilium-based ones: no; others: yes).
 */
export function ipBlocksMatchPods(settings: Settings): boolean {
  if (settings.ipBlockPods !== 'auto') return settings.ipBlockPods === 'match';
  return settings.cni !== 'cilium' && settings.cni !== 'gke-dataplane-v2';
}
