/**
 * The custom protocol between the netpol-scope language server and its clients, declared once.
 * Every message is typed here and used by server/ (handlers) and client/ (extension and webview);
 * the webview receives the same payloads through postMessage. Positions are LSP positions.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { VerifyReport } from './flows/verify.js';

export interface LspPosition {
  readonly line: number;
  readonly character: number;
}

export interface LspRange {
  readonly start: LspPosition;
  readonly end: LspPosition;
}

/** A place in a workspace document: where a policy, rule or workload is written. */
export interface SourceLocation {
  readonly uri: string;
  readonly range: LspRange;
  /** `file:line` as shown to the user. */
  readonly label: string;
}

export type ReachLevel = 'pod' | 'workload';

export interface PortRangeJson {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
  readonly endPort: number;
}

export interface ReachNodeJson {
  readonly id: string;
  /**
   * `Pod`, `Deployment`, ..., `External`, `Exposure` for a stand-in of pods beyond the workspace, or `DNS`
   * for the cluster DNS when the workspace does not declare it.
   */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** External nodes: their address ranges. */
  readonly ranges?: readonly string[];
  /**
   * Exposure stand-ins (kind `Exposure`, setting `netpolScope.exposure`): the pods beyond the workspace
   * that the node stands for, in words (`any pod in other namespaces`).
   */
  readonly description?: string;
  /**
   * True for a node that stands for several pods (a template's replicas, a workload's pods) whose traffic
   * among themselves policies decide: the edge from the node to itself carries the allowed ports, and its
   * absence means they cannot reach each other. Elsewhere a node's traffic to itself is not judged.
   */
  readonly replicas?: boolean;
  /**
   * True when its pods run on the host network: policies do not select them and their traffic is node
   * traffic (NetworkPolicy behaviour for them is undefined; this is the common implementation).
   */
  readonly hostNetwork?: boolean;
  /** True for the cluster DNS (declared workloads matching the DNS target, or the virtual DNS node). */
  readonly dns?: boolean;
  readonly location?: SourceLocation;
  /** For a node that stands for several (an aggregated graph): what it groups. */
  readonly group?: ReachGroupJson;
}

/**
 * A group node of an aggregated graph: consecutive namespaces (in name order, when there are too many to
 * show one by one), a namespace shown as one node, the nodes of an expanded namespace that behave alike
 * (same policies, same peers), the rest of a namespace past the size limit, or the external address
 * blocks. Its id (`namespaces:<first>..<last>`, `ns:<namespace>`, `similar:<namespace>/<first node id>`,
 * `more:<namespace>`, `external`) is what `ReachabilityParams.expand` names to show its members.
 */
export interface ReachGroupJson {
  readonly kind: 'namespaces' | 'namespace' | 'similar' | 'more' | 'external';
  /** How many nodes of the requested level it stands for. */
  readonly nodes: number;
  /** How many pods (and pod templates) it stands for: the unit of `ReachEdgeJson.pairs`. */
  readonly pods: number;
  /** False when expanding it would not show its members (the rest past the limit). */
  readonly expandable: boolean;
}

export interface ReachEdgeJson {
  readonly from: string;
  readonly to: string;
  readonly ports: readonly PortRangeJson[];
  /** True when every port of every protocol is allowed. */
  readonly all: boolean;
  /**
   * For an edge from or to a group node: of the `total` ordered pairs of distinct pods it stands for, how
   * many have some allowed port. Absent between single nodes.
   */
  readonly pairs?: number;
  readonly total?: number;
}

export interface ReachabilityParams {
  readonly level: ReachLevel;
  /**
   * Group ids to show expanded (see ReachGroupJson). The server aggregates a graph with more nodes than
   * its limit: namespaces become one node each until expanded.
   */
  readonly expand?: readonly string[];
  /** Every node, no edges and no aggregation: for pickers (Explain Connection). */
  readonly nodesOnly?: boolean;
  /** Compare with a git revision ("Compare Reachability with HEAD"): the result carries `diff`. */
  readonly compare?: 'HEAD';
}

export interface ReachabilityResult {
  readonly level: ReachLevel;
  readonly nodes: readonly ReachNodeJson[];
  readonly edges: readonly ReachEdgeJson[];
  /** Namespaces in display order. */
  readonly namespaces: readonly string[];
  /** Increases with every analysis: lets a view tell a fresh result from a stale one. */
  readonly generation: number;
  /** Set when the graph has more nodes than the view shows at once: groups stand for the rest. */
  readonly aggregated?: { readonly limit: number; readonly nodes: number };
  /** Observed traffic between the shown nodes, when flow files are loaded (absent otherwise). */
  readonly observed?: ObservedOverlayJson;
  /** With `compare`: what changed since the base version, between the shown nodes (shared/diff/). */
  readonly diff?: DiffOverlayJson;
}

/** One changed connection between two shown nodes. */
export interface DiffEdgeJson {
  readonly from: string;
  readonly to: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** Allowed ports in the base version and now. */
  readonly before: readonly PortRangeJson[];
  readonly after: readonly PortRangeJson[];
  /** The object changes that cause it: `NetworkPolicy shop/web modified (shop/policies.yaml:12)`. */
  readonly causes: readonly string[];
}

export interface DiffOverlayJson {
  /** The base version: `HEAD`. */
  readonly base: string;
  readonly opens: number;
  readonly closes: number;
  readonly edges: readonly DiffEdgeJson[];
  /** Changes the view cannot draw (to or from nodes it does not show: pods beyond the workspace, address ranges, removed workloads, groups). */
  readonly notShown: number;
  /** Shown nodes that become isolated for a direction, or stop being. */
  readonly isolation: ReadonlyArray<{
    readonly node: string;
    readonly direction: 'ingress' | 'egress';
    readonly isolated: boolean;
  }>;
}

export interface ObservedPortJson {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
  /** Observed flows on the port. */
  readonly count: number;
  /** Whether the policies as written allow it. */
  readonly allowed: boolean;
}

/** The observed connections of one pair of shown nodes. */
export interface ObservedEdgeJson {
  readonly from: string;
  readonly to: string;
  /** Observed flows over every port. */
  readonly count: number;
  readonly ports: readonly ObservedPortJson[];
}

export interface ObservedOverlayJson {
  /** Flow records read, and how many resolved to workloads of the workspace. */
  readonly records: number;
  readonly resolved: number;
  readonly edges: readonly ObservedEdgeJson[];
}

export interface ExplainParams {
  readonly level: ReachLevel;
  readonly from: string;
  readonly to: string;
  readonly port?: { readonly protocol: 'TCP' | 'UDP' | 'SCTP'; readonly port: number };
}

export interface ExplainRule {
  /** `namespace/name`. */
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly index: number;
  /** The ports this rule opens for the pair, as text (`TCP 80`, `all ports`, `no ports`). */
  readonly ports: string;
  /** For a port query: whether this rule covers the port. */
  readonly covers?: boolean;
  readonly location: SourceLocation;
}

/**
 * A rule that decided ports of a side where policies of other APIs take part (reach/layers.ts), in
 * evaluation order; `isolated`: a layer that isolates the pod denied what no rule of it decided.
 */
export interface ExplainDecision {
  /** `Admin tier`, `NetworkPolicy`, `Calico tier security`, ... */
  readonly layer: string;
  /** `ClusterNetworkPolicy sec (priority 10) ingress[0] "name" (file:line)`, or the isolating policies. */
  readonly rule: string;
  readonly action: 'allow' | 'deny' | 'pass' | 'log' | 'isolated';
  /** The ports it decided, as text. */
  readonly ports: string;
  /** For a port query: whether it decided that port. */
  readonly covers?: boolean;
  readonly location: SourceLocation;
}

export interface ExplainSide {
  readonly direction: 'ingress' | 'egress';
  readonly isolated: boolean;
  /** Whether this side allows the queried port (or any port, without a query). */
  readonly allows: boolean;
  /** Allowed ports on this side, as text. */
  readonly ports: string;
  readonly policies: ReadonlyArray<{ readonly name: string; readonly location: SourceLocation }>;
  readonly rules: readonly ExplainRule[];
  /** Where policies of other APIs take part: the deciding rules in evaluation order. */
  readonly decisions?: readonly ExplainDecision[];
}

export interface ExplainResult {
  readonly from: string;
  readonly to: string;
  readonly allowed: boolean;
  readonly ports: readonly PortRangeJson[];
  /** The explanation in plain words (the same text as `netpol-scope explain`). */
  readonly text: string;
  readonly egress: ExplainSide;
  readonly ingress: ExplainSide;
}

export interface StatusParams {
  readonly indexing: boolean;
  readonly files: number;
  readonly policies: number;
  readonly rejectedPolicies: number;
  readonly workloads: number;
  /** Workloads selected by no policy for ingress or for egress. */
  readonly nonIsolatedWorkloads: number;
  readonly errors: number;
  readonly warnings: number;
}

export interface NamespacesResult {
  readonly namespaces: ReadonlyArray<{
    readonly name: string;
    readonly policies: number;
    readonly workloads: number;
  }>;
}

export interface CreateDefaultDenyParams {
  readonly namespace: string;
  /** Where to write the policy: the document to append to, or a folder to create a new file in. */
  readonly targetUri: string;
}

/** Client -> server: the reachability graph of the workspace, for the reachability view. */
export const ReachabilityRequest = new RequestType<ReachabilityParams, ReachabilityResult, void>(
  'netpolScope/reachability',
);

/** Client -> server: why a connection is allowed or denied, with links to the deciding rules. */
export const ExplainRequest = new RequestType<ExplainParams, ExplainResult, void>('netpolScope/explain');

/** Client -> server: the namespaces of the workspace (for "Create Default-Deny Policy for Namespace…"). */
export const NamespacesRequest = new RequestType0<NamespacesResult, void>('netpolScope/namespaces');

/**
 * Client -> server: asks the server to add a default-deny policy for a namespace; the server applies it
 * with workspace/applyEdit and answers the URI it wrote to.
 */
export const CreateDefaultDenyRequest = new RequestType<
  CreateDefaultDenyParams,
  { readonly uri: string },
  void
>('netpolScope/createDefaultDeny');

/** Server -> client: a summary of the workspace after each analysis, for the status bar. */
export const StatusNotification = new NotificationType<StatusParams>('netpolScope/status');

/** Server -> client: the analysis changed; open reachability views should refresh (debounced by the client). */
export const AnalysisChangedNotification = new NotificationType<{ readonly generation: number }>(
  'netpolScope/analysisChanged',
);

export interface MemoryResult {
  /** Bytes of the JavaScript heap in use (after a full garbage collection when `collected`). */
  readonly heapUsed: number;
  readonly rss: number;
  /** True when the server ran a full garbage collection first (it was started with `--expose-gc`). */
  readonly collected: boolean;
}

/**
 * Client -> server: the server's memory use. A diagnostics aid for the fuzzer and the benchmarks: with
 * `--expose-gc` the figures are taken after a full collection, which tells a leak from garbage.
 */
export const MemoryRequest = new RequestType0<MemoryResult, void>('netpolScope/memory');

/** A flow file the server holds (observed traffic the policies are dry-run against). */
export interface FlowFileJson {
  readonly uri: string;
  /** `hubble`, `calico`, `plain-csv`, ...; absent when the file could not be read. */
  readonly format?: string;
  /** Records read (added or skipped), and how many of them were skipped. */
  readonly records: number;
  readonly skipped: number;
  /** `setting`: matched by `netpolScope.flows`; `command`: loaded with "Load Observed Flows…". */
  readonly origin: 'setting' | 'command';
  /** Why the file was not read (not found, no known format). */
  readonly error?: string;
}

export interface FlowsResult {
  readonly files: readonly FlowFileJson[];
}

/** Client -> server: reads flow files (by URI) and keeps them with the workspace until cleared. */
export const LoadFlowsRequest = new RequestType<{ readonly uris: readonly string[] }, FlowsResult, void>(
  'netpolScope/loadFlows',
);

/** Client -> server: forgets the flow files loaded by command (those of `netpolScope.flows` stay). */
export const ClearFlowsRequest = new RequestType0<FlowsResult, void>('netpolScope/clearFlows');

export interface DryRunResult {
  readonly files: readonly FlowFileJson[];
  /** The report of `netpol-scope flows verify --format json`; absent without flows. */
  readonly report?: VerifyReport;
  /** The same as markdown (`flows verify --format markdown`), or a sentence saying that no flows are loaded. */
  readonly markdown: string;
}

/** Client -> server: the dry run of the workspace's policies against the loaded flows. */
export const DryRunRequest = new RequestType0<DryRunResult, void>('netpolScope/dryRun');

export interface GenerateFromFlowsResult {
  /** The generated policies (empty without flows). */
  readonly yaml: string;
  readonly policies: number;
  /** How the generated set fared against the same flows (`flows generate` prints it on stderr). */
  readonly check: string;
}

/** Client -> server: least-privilege policies from the loaded flows (`netpol-scope flows generate`). */
export const GenerateFromFlowsRequest = new RequestType0<GenerateFromFlowsResult, void>(
  'netpolScope/generateFromFlows',
);

/** Client -> server: one of the assistants' tools (shared/tools/), for the VS Code language model tools. */
export interface RunToolParams {
  /** check, reach, explain, diff, test or fix. */
  readonly name: string;
  /** The tool's input (validated by the server against the tool's schema). */
  readonly input: unknown;
}

export interface RunToolResult {
  /** The tool's JSON result; absent when the input was refused. */
  readonly result?: unknown;
  /** A mistake in the input, for the model to read and correct. */
  readonly error?: string;
}

export const RunToolRequest = new RequestType<RunToolParams, RunToolResult, void>('netpolScope/runTool');
