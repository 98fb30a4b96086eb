/**
 * Peer comparison: our workload-level reachability against np-guard/netpol-analyzer's golden `list`
 * outputs (../shared/peer-suites/np-guard-netpol-analyzer, read in place and never copied). See
 * test/peer/README.md for the same in prose.
 *
 * Cases: every entry of `index/cases.json` with `tier: "core"` (plain NetworkPolicy, `list`, txt or
 * json; no exposure, explain, focus, multiple networks, ANP/BANP, UDN, VM, Ingress or Route). Each
 * entry (scenario folder + golden file) is one case; a folder used by several entries is analysed once.
 *
 * Ours: the folder is read the way the CLI reads a directory (`collectSources`: recursive,
 * `.yaml`/`.yml`/`.json`), analysed with `analyze()` and turned into the workload graph with
 * `buildGraph(engine, model, 'workload')`.
 *
 * Normalisation (test/support/np-guard-golden.ts), applied to both sides before comparing:
 * - Peers. A workload is its id `ns/name[Kind]` on both sides (np-guard uses the same form). An
 *   external peer is a set of IPv4 intervals: np-guard prints one `A.B.C.D-E.F.G.H[External]` block per
 *   line, not merged; our external node ids list ranges (CIDR or `a-b`, IPv4 and IPv6). Our IPv6 ranges
 *   are dropped (np-guard supports only IPv4).
 * - Elementary intervals. The IPv4 space is cut at every interval boundary seen on either side, and a
 *   pair with an external side becomes one pair per elementary interval it covers, so the two tools'
 *   different block layouts are compared address by address.
 * - Connections are port sets per protocol (TCP, UDP, SCTP; ports 1-65535). `All Connections` is every
 *   port of all three; np-guard's `TCP 1-79,81-65535,UDP 1-65535` is split into protocols on
 *   `,(?=[A-Z])`. A pair missing on one side has no connections there. Pairs are directed.
 * - `{ingress-controller}` lines (Ingress/Route analysis, not plain NetworkPolicy) are dropped; the
 *   core tier has none, and a core case that has some fails.
 * - A difference is reported per (src, dst), with adjacent elementary intervals that differ alike
 *   merged back into one interval and connections written in np-guard's notation.
 *
 * Verdict: a case passes when its differences are exactly those that `knownDifferences` lists for its
 * scenario. An unlisted difference fails, and so does a listed one that no longer occurs. A row may use
 * `*` (any peer or connection) or `*[External]` (any external interval) when one cause produces many
 * rows; such a row states in `pairs` how many differences it covers, and that count must hold.
 * Reasons are checked, not just asserted: a row must name a workload its reason is about, and a cause
 * that can be undone on our side (hostNetwork cleared, rejected policies accepted, pods with kind-less
 * owners regrouped the way np-guard does) is undone: undoing one cause must leave no difference on the
 * pairs attributed to it, and undoing all of a scenario's causes must leave no difference at all.
 */
import { after, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Analysis } from '../../shared/analysis.js';
import type { ClusterModel } from '../../shared/model/types.js';
import { ReachabilityEngine } from '../../shared/reach/engine.js';
import { buildGraph } from '../../shared/reach/graph.js';
import { PortSet } from '../../shared/semantics/port-set.js';
import {
  analyzeFolder,
  compare,
  differenceKey,
  formatConn,
  isWildcard,
  ourLines,
  parseConn,
  readTheirs,
  rowMatches,
} from '../support/np-guard-golden.js';
import type { Difference, KnownDifference, Line, Peer } from '../support/np-guard-golden.js';
import { boolValue, get, isSeq, stringValue } from '../../shared/parse/snode.js';

const peerSuites = resolve(__dirname, '../../../shared/peer-suites');
const npGuardRoot = join(peerSuites, 'np-guard-netpol-analyzer');

/** Why we differ from np-guard. Each was checked against the manifests and the Kubernetes documentation. */
const reasons = {
  hostNetwork:
    'hostNetwork pod. The NetworkPolicy concept page (https://kubernetes.io/docs/concepts/services-networking/network-policies/, ' +
    '"NetworkPolicy and hostNetwork pods") leaves the behaviour undefined between two options; we take "the most common ' +
    'implementation": policies do not select hostNetwork pods, pod/namespace selectors do not match them, and their traffic ' +
    'is node traffic (matched only by an ipBlock holding the node IP). np-guard treats them as ordinary pods. Verified: with ' +
    'hostNetwork cleared in our model these differences vanish.',
  ownerWithoutKind:
    'pod-1 and pod-2 carry `ownerReferences: [{name: internal-security, controller: true}]` without kind, apiVersion or uid, ' +
    'which the API server requires (apimachinery ValidateOwnerReferences: "kind must not be empty", ...). np-guard groups ' +
    'them under the owner name with kind Pod (`default/internal-security[Pod]`) and hides traffic between them as a ' +
    'workload talking to itself; we ignore the incomplete reference and keep each pod as its own workload. Same pods, ' +
    "same verdicts, different grouping (where the scenario's policy is rejected, see invalidPolicyName, our side " +
    'shows the unrestricted result).',
  invalidPolicyName:
    "The scenario's only NetworkPolicy is named with underscores (`use_common_labels_same_values`, " +
    '`use_match_exp_with_all_gap_values_of_app`). A NetworkPolicy name must be a DNS subdomain (concept page: "The name ' +
    'of a NetworkPolicy object must be a valid DNS subdomain name"), so the API server rejects the object and it never ' +
    'takes effect; we report api-invalid-name and leave it out. np-guard does not validate names and applies it. ' +
    'Verified: with the rejected policy accepted these differences vanish.',
  syntaxErrorHelmLookalike:
    'The file has a YAML syntax error in its 4th document (`image: "{{ printf "%s:%s" ... }}"`: a quote inside a ' +
    'double-quoted scalar). Our loader (shared/parse/yaml-loader.ts) leaves out that document alone (finding helm-template) ' +
    'and analyses every other document of the file; np-guard keeps only the three Deployments before the broken document, as ' +
    'the cli-runtime stream decoder kubectl uses stops at the first undecodable document. So we have the workloads after it ' +
    'too. No NetworkPolicy is involved: every pair is allowed on our side, and the pairs with a workload np-guard did not read ' +
    'are absent (no connections) on its side.',
} as const;

/**
 * Reasons whose cause can be undone on our side, to check that they explain what is attributed to them:
 * `model` changes our cluster model before the engine runs, `lines` regroups our result.
 */
interface Undo {
  readonly model?: (model: ClusterModel) => ClusterModel;
  readonly lines?: (lines: readonly Line[], analysis: Analysis) => Line[];
  /** The workload ids a row with this reason must name as its src or dst. */
  readonly involved?: (analysis: Analysis) => ReadonlySet<string>;
}
const acceptRejected = (m: ClusterModel): ClusterModel => ({
  ...m,
  policies: m.policies.map((p) => ({ ...p, rejected: false })),
});
const undoable = new Map<string, Undo>([
  [
    reasons.hostNetwork,
    {
      model: (m) => ({ ...m, workloads: m.workloads.map((w) => ({ ...w, hostNetwork: false })) }),
      involved: (analysis) =>
        new Set(
          buildGraph(analysis.engine, analysis.workspace.model, 'workload')
            .nodes.filter((n) => n.workloads.some((w) => w.hostNetwork))
            .map((n) => n.id),
        ),
    },
  ],
  [reasons.invalidPolicyName, { model: acceptRejected }],
  [
    reasons.ownerWithoutKind,
    {
      lines: (lines, analysis) => regroup(lines, kindlessOwners(analysis)),
      involved: (analysis) => {
        const rename = kindlessOwners(analysis);
        return new Set([...rename.keys(), ...rename.values()]);
      },
    },
  ],
]);

/** np-guard's grouping of pods whose controller reference has a name but no kind: `ns/owner[Pod]`. */
function kindlessOwners(analysis: Analysis): Map<string, string> {
  const rename = new Map<string, string>();
  for (const object of analysis.workspace.objects) {
    if (object.kind !== 'Pod' || object.name === undefined) continue;
    const refs = get(get(object.node, 'metadata'), 'ownerReferences');
    const controller = isSeq(refs)
      ? refs.items.find((r) => boolValue(get(r, 'controller')) === true)
      : undefined;
    const owner = stringValue(get(controller, 'name'));
    if (owner === undefined || stringValue(get(controller, 'kind')) !== undefined) continue;
    const namespace = object.namespace ?? 'default';
    rename.set(`${namespace}/${object.name}[Pod]`, `${namespace}/${owner}[Pod]`);
  }
  return rename;
}

/** Renames workload peers, merging the lines that meet and dropping a workload's lines to itself. */
function regroup(lines: readonly Line[], rename: ReadonlyMap<string, string>): Line[] {
  const peer = (p: Peer): Peer =>
    p.kind === 'workload' && rename.has(p.id) ? { kind: 'workload', id: rename.get(p.id)! } : p;
  const key = (p: Peer) =>
    p.kind === 'workload' ? p.id : p.intervals.map((i) => `${i.first}-${i.last}`).join(',');
  const merged = new Map<string, Line>();
  for (const line of lines) {
    const src = peer(line.src);
    const dst = peer(line.dst);
    if (src.kind === 'workload' && dst.kind === 'workload' && src.id === dst.id) continue;
    const k = `${key(src)}\u0000${key(dst)}`;
    const existing = merged.get(k);
    merged.set(k, { src, dst, conn: existing ? existing.conn.union(line.conn) : line.conn });
  }
  return [...merged.values()];
}

/** Scenario folder name (under `tests/`) -> the differences we accept, each with its reason. */
const knownDifferences: Readonly<Record<string, readonly KnownDifference[]>> = {
  ipblockstest: [
    {
      src: '*',
      dst: 'kube-system/calico-node-tier[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
    {
      src: '*',
      dst: 'kube-system/ibm-keepalived-watcher[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
    {
      src: '*',
      dst: 'kube-system/ibm-kube-fluentd-with-tier[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
  ],
  multiple_topology_resources_1: [
    {
      src: '*',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      pairs: 23,
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: '*',
      ours: 'All Connections',
      theirs: '*',
      pairs: 24,
      reason: reasons.hostNetwork,
    },
  ],
  multiple_topology_resources_2: [
    {
      src: '*',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 24,
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: '*',
      ours: 'All Connections',
      theirs: 'No Connections',
      pairs: 23,
      reason: reasons.hostNetwork,
    },
  ],
  'semanticDiff-same-topologies-old1': [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-bank-ui[DaemonSet]',
      ours: 'All Connections',
      theirs: 'TCP 8080',
      reason: reasons.hostNetwork,
    },
  ],
  'semanticDiff-same-topologies-old2': [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-bank-ui[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'SCTP 7070,TCP 8080-8081,UDP 9090',
      reason: reasons.hostNetwork,
    },
  ],
  'semanticDiff-same-topologies-old3': [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'demo/cog-agents-bank-ui[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-command[DaemonSet]',
      dst: 'demo/cog-agents-bank-ui[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-bank-ui[DaemonSet]',
      ours: 'All Connections',
      theirs: 'TCP 8080',
      reason: reasons.hostNetwork,
    },
  ],
  'semanticDiff-same-topologies-new1': [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-bank-ui[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'TCP 8080,9090,UDP 8080',
      reason: reasons.hostNetwork,
    },
  ],
  'semanticDiff-same-topologies-new1a': [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-bank-ui[DaemonSet]',
      ours: 'All Connections',
      theirs: 'UDP 8080',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-bank-ui[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
  ],
  'semanticDiff-same-topologies-new2': [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-bank-ui[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'TCP 8081-8082,UDP 9091',
      reason: reasons.hostNetwork,
    },
  ],
  'semanticDiff-same-topologies-new3': [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'demo/cog-agents-bank-ui[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-command[DaemonSet]',
      dst: 'demo/cog-agents-bank-ui[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-account-command[DaemonSet]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.hostNetwork,
    },
    {
      src: 'demo/cog-agents-account-query[DaemonSet]',
      dst: 'demo/cog-agents-bank-ui[DaemonSet]',
      ours: 'All Connections',
      theirs: 'TCP 8080',
      reason: reasons.hostNetwork,
    },
  ],
  ipblockstest_2: [
    {
      src: '*',
      dst: 'kube-system/calico-node-tier[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
    {
      src: '*',
      dst: 'kube-system/ibm-keepalived-watcher[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
    {
      src: '*',
      dst: 'kube-system/ibm-kube-fluentd-with-tier[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
  ],
  ipblockstest_3: [
    {
      src: '*',
      dst: 'kube-system/calico-node-tier[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
    {
      src: '*',
      dst: 'kube-system/ibm-keepalived-watcher[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
    {
      src: '*',
      dst: 'kube-system/ibm-kube-fluentd-with-tier[DaemonSet]',
      ours: 'All Connections',
      theirs: '*',
      pairs: 28,
      reason: reasons.hostNetwork,
    },
  ],
  ipblockstest_4: [
    {
      src: 'kube-system/calico-node-tier[DaemonSet]',
      dst: '*',
      ours: 'All Connections',
      theirs: 'No Connections',
      pairs: 659,
      reason: reasons.hostNetwork,
    },
    {
      src: 'kube-system/ibm-keepalived-watcher[DaemonSet]',
      dst: '*',
      ours: 'All Connections',
      theirs: 'No Connections',
      pairs: 659,
      reason: reasons.hostNetwork,
    },
    {
      src: 'kube-system/ibm-kube-fluentd-with-tier[DaemonSet]',
      dst: '*',
      ours: 'All Connections',
      theirs: 'No Connections',
      pairs: 659,
      reason: reasons.hostNetwork,
    },
  ],
  example_pods_w_same_owner_and_labels_gap_no_policy: [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/internal-security[Pod]',
      ours: 'No Connections',
      theirs: 'All Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/internal-security[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'No Connections',
      theirs: 'All Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
  ],
  example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap: [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: 'default/internal-security[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'No Connections',
      theirs: 'All Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/internal-security[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'No Connections',
      theirs: 'TCP 8050',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-3[Pod]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: 'default/pod-3[Pod]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
  ],
  example_pods_w_same_owner_and_labels_gap_with_good_match_expression: [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: 'default/internal-security[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'No Connections',
      theirs: 'All Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/internal-security[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'No Connections',
      theirs: 'TCP 90',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-3[Pod]',
      dst: 'default/internal-security[Pod]',
      ours: 'No Connections',
      theirs: 'TCP 90',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-3[Pod]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-3[Pod]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
  ],
  example_pods_w_same_owner_and_labels_gap_with_good_match_expression2: [
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: '0.0.0.0-255.255.255.255[External]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: 'default/internal-security[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'No Connections',
      theirs: 'All Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/internal-security[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'No Connections',
      theirs: 'TCP 90',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-1[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: '0.0.0.0-255.255.255.255[External]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-2[Pod]',
      dst: 'default/pod-3[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.ownerWithoutKind,
    },
    {
      src: 'default/pod-3[Pod]',
      dst: 'default/pod-1[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
    {
      src: 'default/pod-3[Pod]',
      dst: 'default/pod-2[Pod]',
      ours: 'All Connections',
      theirs: 'No Connections',
      reason: reasons.invalidPolicyName,
    },
  ],
  document_with_syntax_error: [
    {
      src: '*',
      dst: '*',
      ours: 'All Connections',
      theirs: 'No Connections',
      pairs: 120,
      reason: reasons.syntaxErrorHelmLookalike,
    },
  ],
};

// ---------------------------------------------------------------------------------------------------

interface CaseEntry {
  readonly kind: string;
  readonly scenarioDir: string;
  readonly expectedOutput: string;
  readonly expectedOutputCopied: boolean;
  readonly tier: string;
}

function linesOf(model: ClusterModel, engine: ReachabilityEngine): Line[] {
  return ourLines(buildGraph(engine, model, 'workload'));
}

/** Problems with one case's differences against its scenario's rows; empty when they agree. */
function judge(differences: readonly Difference[], rows: readonly KnownDifference[]): string[] {
  const problems: string[] = [];
  const unexplained = differences.filter((d) => !rows.some((row) => rowMatches(row, d)));
  if (unexplained.length > 0) {
    problems.push(
      `${unexplained.length} unexplained difference(s):\n` +
        unexplained
          .map(
            (d) =>
              `  { src: ${JSON.stringify(d.src)}, dst: ${JSON.stringify(d.dst)}, ours: ${JSON.stringify(d.ours)}, theirs: ${JSON.stringify(d.theirs)}, reason: ... },`,
          )
          .join('\n'),
    );
  }
  for (const row of rows) {
    const n = differences.filter((d) => rowMatches(row, d)).length;
    if (isWildcard(row)) {
      if (row.pairs === undefined)
        problems.push(`a row with a wildcard must give pairs: ${differenceKey(row)}`);
      else if (n !== row.pairs)
        problems.push(`row covers ${n} difference(s), the table says ${row.pairs}: ${differenceKey(row)}`);
    } else if (n === 0) problems.push(`listed difference no longer occurs: ${differenceKey(row)}`);
  }
  return problems;
}

test('np-guard normal form', () => {
  assert.ok(parseConn('All Connections').isAll);
  assert.ok(parseConn('No Connections').isEmpty);
  const mixed = parseConn('SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535');
  assert.equal(formatConn(mixed), 'SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535');
  assert.ok(!mixed.has('TCP', 80) && mixed.has('TCP', 81) && mixed.has('UDP', 80));
  assert.equal(formatConn(parseConn('TCP 10053-10054,UDP 10053')), 'TCP 10053-10054,UDP 10053');

  // The same verdict in different block layouts agrees; a difference in part of the space is reported
  // on exactly that part.
  const w = { kind: 'workload', id: 'default/a[Deployment]' } as const;
  const v4 = (first: number, last: number) => ({ first: BigInt(first), last: BigInt(last) });
  const ours: Line[] = [
    { src: { kind: 'external', intervals: [v4(0, 2 ** 32 - 1)] }, dst: w, conn: PortSet.all },
  ];
  const theirs: Line[] = [
    { src: { kind: 'external', intervals: [v4(0, 167772159)] }, dst: w, conn: PortSet.all },
    { src: { kind: 'external', intervals: [v4(167772160, 2 ** 32 - 1)] }, dst: w, conn: PortSet.all },
  ];
  assert.deepEqual(compare(ours, theirs).differences, []);
  const narrower: Line[] = [theirs[0]!, { ...theirs[1]!, conn: PortSet.range('UDP', 53) }];
  assert.deepEqual(compare(ours, narrower).differences, [
    {
      src: '10.0.0.0-255.255.255.255[External]',
      dst: 'default/a[Deployment]',
      ours: 'All Connections',
      theirs: 'UDP 53',
    },
  ]);
});

if (!existsSync(join(npGuardRoot, 'index', 'cases.json'))) {
  test(
    'np-guard core',
    {
      skip: `peer-suite data absent: ${npGuardRoot} not found (it belongs beside the repository at ../shared/peer-suites)`,
    },
    () => {},
  );
} else {
  const entries = (
    JSON.parse(readFileSync(join(npGuardRoot, 'index', 'cases.json'), 'utf8')) as CaseEntry[]
  ).filter((e) => e.tier === 'core');
  const analyses = new Map<string, { analysis: Analysis; lines: Line[] }>();
  const summary = { cases: 0, exact: 0, differing: 0, failed: 0 };

  describe('np-guard core', () => {
    for (const entry of entries) {
      const scenario = entry.scenarioDir.replace(/^tests\//, '');
      it(`${scenario} (${entry.expectedOutput.split('/').slice(-2).join('/')})`, () => {
        summary.cases++;
        summary.failed++; // until the end of this case
        assert.ok(entry.kind === 'list' || entry.kind === 'cli list', `unexpected kind ${entry.kind}`);
        assert.ok(entry.expectedOutputCopied, `${entry.expectedOutput} was not copied`);
        let ours = analyses.get(entry.scenarioDir);
        if (!ours) {
          const analysis = analyzeFolder(join(npGuardRoot, entry.scenarioDir));
          ours = { analysis, lines: linesOf(analysis.workspace.model, analysis.engine) };
          analyses.set(entry.scenarioDir, ours);
        }
        const theirs = readTheirs(join(npGuardRoot, entry.expectedOutput));
        assert.equal(
          theirs.dropped,
          0,
          'a core case has {ingress-controller} lines, which are Ingress/Route analysis',
        );
        const { differences } = compare(ours.lines, theirs.lines);
        summary.differing += differences.length;
        if (differences.length === 0) summary.exact++;

        const rows = knownDifferences[scenario] ?? [];
        const problems = judge(differences, rows);

        // A row must name a workload its reason is about.
        for (const row of rows) {
          const involved = undoable.get(row.reason)?.involved?.(ours.analysis);
          if (involved && !involved.has(row.src) && !involved.has(row.dst)) {
            problems.push(`the reason does not concern this pair: ${differenceKey(row)}`);
          }
        }
        // Undo each model-level cause alone: the rows attributed to it must no longer differ.
        const reasonsHere = new Set(rows.map((r) => r.reason));
        for (const reason of reasonsHere) {
          const undo = undoable.get(reason)?.model;
          if (!undo) continue;
          const model = undo(ours.analysis.workspace.model);
          const remaining = compare(linesOf(model, new ReachabilityEngine(model)), theirs.lines).differences;
          const attributed = rows.filter((r) => r.reason === reason);
          for (const d of remaining) {
            const row = attributed.find((r) => rowMatches({ ...r, ours: '*', theirs: '*' }, d));
            if (row)
              problems.push(
                `still differs with the cause undone, so the reason does not explain it: ${differenceKey(d)}`,
              );
          }
        }
        // Undo all causes together: when every reason of the scenario can be undone, nothing may remain.
        if (reasonsHere.size > 0 && [...reasonsHere].every((r) => undoable.has(r))) {
          let model = ours.analysis.workspace.model;
          for (const reason of reasonsHere) model = undoable.get(reason)!.model?.(model) ?? model;
          let lines = linesOf(model, new ReachabilityEngine(model));
          for (const reason of reasonsHere)
            lines = undoable.get(reason)!.lines?.(lines, ours.analysis) ?? lines;
          const remaining = compare(lines, theirs.lines).differences;
          if (remaining.length > 0) {
            problems.push(
              `with all listed causes undone, ${remaining.length} difference(s) remain, e.g. ${differenceKey(remaining[0]!)}`,
            );
          }
        }
        assert.ok(problems.length === 0, `${scenario}:\n${problems.join('\n')}`);
        summary.failed--;
      });
    }

    it('knownDifferences names only core scenarios, each row with a reason', () => {
      const core = new Set(entries.map((e) => e.scenarioDir.replace(/^tests\//, '')));
      for (const [scenario, rows] of Object.entries(knownDifferences)) {
        assert.ok(core.has(scenario), `knownDifferences lists ${scenario}, which is not a core scenario`);
        for (const row of rows) assert.ok(row.reason.trim() !== '', `no reason for ${differenceKey(row)}`);
      }
    });

    after(() => {
      const verdict =
        summary.failed === 0
          ? 'all explained'
          : `${summary.failed} case(s) with unexplained or stale differences`;
      console.log(
        `np-guard core: ${summary.cases} scenarios, ${summary.exact} agree exactly, ${summary.differing} pairs differ (${verdict})`,
      );
    });
  });
}
