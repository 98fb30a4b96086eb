/** The LSP feature handlers and the capabilities they provide. */
import type { ServerCapabilities } from 'vscode-languageserver';
import type { ServerState } from '../server.js';

export const featureCapabilities: ServerCapabilities = {};

export function registerFeatureHandlers(
  state: ServerState,
  logError: (context: string, error: unknown) => void,
): void {
  void state;
  void logError;
}
