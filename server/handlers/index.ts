/** The LSP feature handlers and the capabilities they provide. */
import { runToolRequest } from './tools.js';
import { CodeActionKind } from 'vscode-languageserver';
import type { ServerCapabilities } from 'vscode-languageserver';
import {
  ClearFlowsRequest,
  CreateDefaultDenyRequest,
  DryRunRequest,
  ExplainRequest,
  GenerateFromFlowsRequest,
  RunToolRequest,
  LoadFlowsRequest,
  MemoryRequest,
  NamespacesRequest,
  ReachabilityRequest,
} from '../../shared/protocol.js';
import type { ServerState } from '../server.js';
import { codeActions, SOURCE_ACTION_KIND } from './code-actions.js';
import { codeLens, completion, hover } from './language.js';
import { createDefaultDeny, explain, memory, namespaces, reachability } from './custom.js';
import { clearFlows, dryRun, generateFromFlows, loadFlows } from './flows.js';

export const featureCapabilities: ServerCapabilities = {
  hoverProvider: true,
  completionProvider: { triggerCharacters: [':', ' ', '{', ',', '['], resolveProvider: false },
  codeActionProvider: {
    codeActionKinds: [CodeActionKind.QuickFix, SOURCE_ACTION_KIND],
    resolveProvider: false,
  },
  codeLensProvider: { resolveProvider: false },
};

type LogError = (context: string, error: unknown) => void;

/** Wraps a handler so that a bug answers an empty result and is logged, and the server keeps serving. */
function guarded<P, R>(
  name: string,
  logError: LogError,
  fallback: R,
  handler: (params: P) => R | Promise<R>,
): (params: P) => R | Promise<R> {
  return (params) => {
    try {
      const result = handler(params);
      return result instanceof Promise
        ? result.catch((error: unknown) => {
            logError(name, error);
            return fallback;
          })
        : result;
    } catch (error) {
      logError(name, error);
      return fallback;
    }
  };
}

export function registerFeatureHandlers(state: ServerState, logError: LogError): void {
  const { connection } = state;
  connection.onHover(guarded('hover', logError, null, (p) => hover(state, p)));
  connection.onCompletion(guarded('completion', logError, [], (p) => completion(state, p)));
  connection.onCodeAction(guarded('codeAction', logError, [], (p) => codeActions(state, p)));
  connection.onCodeLens(guarded('codeLens', logError, [], (p) => codeLens(state, p)));
  // Custom requests report failures to the client (the view shows them) instead of answering empty.
  connection.onRequest(ReachabilityRequest, (p, token) => reachability(state, p, token));
  connection.onRequest(ExplainRequest, (p, token) => explain(state, p, token));
  connection.onRequest(NamespacesRequest, () => namespaces(state));
  connection.onRequest(CreateDefaultDenyRequest, (p) => createDefaultDeny(state, p));
  connection.onRequest(MemoryRequest, () => memory());
  connection.onRequest(LoadFlowsRequest, (p) => loadFlows(state, p));
  connection.onRequest(ClearFlowsRequest, () => clearFlows(state));
  connection.onRequest(DryRunRequest, () => dryRun(state));
  connection.onRequest(GenerateFromFlowsRequest, () => generateFromFlows(state));
  connection.onRequest(RunToolRequest, (p) => runToolRequest(state, p));
}
