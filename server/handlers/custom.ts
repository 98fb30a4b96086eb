/** The custom requests of shared/protocol.ts: reachability graph, explanations, namespaces, default deny. */
import { diffOverlay } from '../../shared/features/diff-overlay.js';
import { ResponseError, ErrorCodes, LSPErrorCodes } from 'vscode-languageserver';
import type {
  CreateDefaultDenyParams,
  ExplainParams,
  ExplainResult,
  MemoryResult,
  NamespacesResult,
  ReachabilityParams,
  ReachabilityResult,
  StatusParams,
} from '../../shared/protocol.js';
import { explainWork, makeLocationOf, reachabilityWork } from '../../shared/features/reachability-view.js';
import type { CancellationToken } from 'vscode-languageserver';
import { NewestInSlices } from './sliced.js';
import { defaultDenyPolicy } from '../../shared/fixes/default-deny.js';
import { lintIndex } from '../../shared/lint/rules/support.js';
import type { WorkspaceAnalysis } from '../../shared/workspace-analysis.js';
import type { ServerState } from '../server.js';

/** The heavy requests of a server, each kind superseding its own older requests. */
const heavyRequests = new WeakMap<ServerState, { reachability: NewestInSlices; explain: NewestInSlices }>();

function requestsOf(state: ServerState): { reachability: NewestInSlices; explain: NewestInSlices } {
  let requests = heavyRequests.get(state);
  if (!requests) {
    requests = { reachability: new NewestInSlices(), explain: new NewestInSlices() };
    heavyRequests.set(state, requests);
  }
  return requests;
}

/**
 * The reachability graph, computed in slices (other messages are served in between), dropped when
 * cancelled or when a newer reachability request arrives. It is the graph of the analysis current when
 * the request arrived, with that generation: a view asks again after the next analysisChanged.
 */
export async function reachability(
  state: ServerState,
  params: ReachabilityParams,
  token: CancellationToken,
): Promise<ReachabilityResult> {
  const work = reachabilityWork(
    state.analysis(),
    params.level === 'pod' ? 'pod' : 'workload',
    makeLocationOf((p) => state.paths.uri(p)),
    state.generation(),
    {
      ...(Array.isArray(params.expand)
        ? { expand: params.expand.filter((id) => typeof id === 'string') }
        : {}),
      ...(params.nodesOnly === true ? { nodesOnly: true } : {}),
    },
  );
  if (params.compare !== 'HEAD') return requestsOf(state).reachability.run(work, token);
  // Compared with HEAD: the same graph, with the semantic diff between the nodes it shows.
  const diff = await state.baseline.diff(
    state.analysis(),
    state.generation(),
    params.level === 'pod' ? 'pod' : 'workload',
  );
  if (!diff)
    throw new ResponseError(
      ErrorCodes.InvalidRequest,
      'the workspace is not in a git repository with a commit: there is no HEAD to compare with',
    );
  const result = await requestsOf(state).reachability.run(work, token);
  return { ...result, diff: diffOverlay(diff, result.nodes, 'HEAD') };
}

/** An explanation; a pair of large groups is decided in slices, cancellable like reachability. */
export async function explain(
  state: ServerState,
  params: ExplainParams,
  token: CancellationToken,
): Promise<ExplainResult> {
  const work = explainWork(
    state.analysis(),
    params.level === 'pod' ? 'pod' : 'workload',
    params.from,
    params.to,
    makeLocationOf((p) => state.paths.uri(p)),
    params.port,
  );
  const result = await requestsOf(state).explain.run(work, token);
  if (!result)
    throw new ResponseError(ErrorCodes.InvalidParams, `unknown node: ${params.from} or ${params.to}`);
  return result;
}

export function namespaces(state: ServerState): NamespacesResult {
  const { model } = state.analysis().workspace;
  return {
    namespaces: [...model.namespaces.keys()].sort().map((name) => ({
      name,
      policies: model.policies.filter((p) => p.namespace === name && !p.rejected).length,
      workloads: model.workloads.filter((w) => w.namespace === name).length,
    })),
  };
}

export async function createDefaultDeny(
  state: ServerState,
  params: CreateDefaultDenyParams,
): Promise<{ uri: string }> {
  const analysis = state.analysis();
  const file = state.sourceOf(params.targetUri);
  const { text, edits } = defaultDenyPolicy(analysis, params.namespace, file);
  if (file) {
    const edit = {
      changes: {
        [params.targetUri]: edits.map((e) => ({
          range: { start: file.positionAt(e.span.start), end: file.positionAt(e.span.end) },
          newText: e.newText,
        })),
      },
    };
    const applied = await state.connection.workspace.applyEdit({
      label: `Default deny for ${params.namespace}`,
      edit,
    });
    if (!applied.applied)
      throw new ResponseError(
        LSPErrorCodes.RequestFailed,
        applied.failureReason ?? 'the editor did not apply the edit',
      );
    return { uri: params.targetUri };
  }
  // A folder: create a new file there.
  const uri = `${params.targetUri.replace(/\/$/, '')}/default-deny-${params.namespace}.yaml`;
  const applied = await state.connection.workspace.applyEdit({
    label: `Default deny for ${params.namespace}`,
    edit: {
      documentChanges: [
        { kind: 'create', uri, options: { ignoreIfExists: true } },
        {
          textDocument: { uri, version: null },
          edits: [
            { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text },
          ],
        },
      ],
    },
  });
  if (!applied.applied)
    throw new ResponseError(
      LSPErrorCodes.RequestFailed,
      applied.failureReason ?? 'the editor did not apply the edit',
    );
  return { uri };
}

export function statusOf(analysis: WorkspaceAnalysis, files: number, indexing: boolean): StatusParams {
  const { model } = analysis.workspace;
  // The workspace index the lint rules share: live policies, selections looked up by namespace.
  const index = lintIndex(analysis);
  const live = index.policies;
  let nonIsolated = 0;
  if (live.length > 0) {
    for (const w of model.workloads) {
      const selecting = index.selecting(w);
      if (!selecting.some((p) => p.affectsIngress) || !selecting.some((p) => p.affectsEgress)) nonIsolated++;
    }
  } else nonIsolated = model.workloads.length;
  return {
    indexing,
    files,
    policies: live.length,
    rejectedPolicies: model.policies.length - live.length,
    workloads: model.workloads.length,
    nonIsolatedWorkloads: nonIsolated,
    errors: analysis.findings.filter((f) => f.severity === 'error').length,
    warnings: analysis.findings.filter((f) => f.severity === 'warning').length,
  };
}

/** The server's memory, after a full garbage collection when the process exposes `gc`. */
export function memory(): MemoryResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, collected: typeof gc === 'function' };
}
