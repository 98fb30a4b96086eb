/** Core text edits as LSP workspace edits (versioned document changes when the client supports them). */
import type { TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { TextEdit as CoreEdit } from '../../shared/fixes/types.js';
import { toRange } from '../positions.js';
import type { ServerState } from '../server.js';

export function toWorkspaceEdit(state: ServerState, edits: readonly CoreEdit[]): WorkspaceEdit | undefined {
  const byUri = new Map<string, Array<{ range: ReturnType<typeof toRange>; newText: string }>>();
  for (const edit of edits) {
    const uri = state.paths.uri(edit.file.path);
    if (!uri) return undefined;
    const list = byUri.get(uri) ?? [];
    list.push({ range: toRange(edit.file, edit.span), newText: edit.newText });
    byUri.set(uri, list);
  }
  if (state.capabilities.documentChanges) {
    const documentChanges: TextDocumentEdit[] = [...byUri].map(([uri, list]) => ({
      textDocument: { uri, version: state.documents.get(uri)?.version ?? null },
      edits: list,
    }));
    return { documentChanges };
  }
  return { changes: Object.fromEntries(byUri) };
}
