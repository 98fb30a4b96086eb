/**
 * The assistants' tools (shared/tools/, also served by `netpol-scope mcp`) as VS Code language model
 * tools (`contributes.languageModelTools`, written from the tools' schemas by scripts/lm-tools.ts), so
 * that an assistant in agent mode can check and explain the policy being written. The language server
 * runs them (netpolScope/runTool): it validates the input, and reads `paths` as the workspace holds them,
 * unsaved edits included; without `files` or `paths` a tool reads the workspace folders.
 * `netpolScope_fix` is the one tool that may change a file: with `apply: true` the user confirms, then
 * the file's text in the editor is replaced by the fixed text (one edit, which Undo reverts).
 */
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunToolRequest } from '../shared/protocol.js';

/** The tools, by their names in VS Code (package.json `languageModelTools`). */
export const lmTools = ['check', 'reach', 'explain', 'diff', 'test', 'fix'] as const;

type Input = Record<string, unknown>;

function text(value: unknown): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(value))]);
}

export function registerLanguageModelTools(client: () => LanguageClient): vscode.Disposable[] {
  // Editors without the language model API (older VS Code, other hosts) have no tools to register.
  if (typeof vscode.lm?.registerTool !== 'function') return [];
  return lmTools.map((name) =>
    vscode.lm.registerTool<Input>(`netpolScope_${name}`, {
      prepareInvocation(options) {
        const apply = name === 'fix' && options.input.apply === true;
        const rules = Array.isArray(options.input.rules)
          ? (options.input.rules as unknown[]).map(String)
          : [];
        return {
          invocationMessage: `netpol-scope: ${name}`,
          ...(apply
            ? {
                confirmationMessages: {
                  title: 'Apply netpol-scope quick fixes',
                  message: new vscode.MarkdownString().appendText(
                    `Apply the quick fixes${rules.length > 0 ? ` of ${rules.join(', ')}` : ''} to ${String(options.input.path)}? ` +
                      "The file's text in the editor is replaced by the fixed text (one edit, which Undo reverts).",
                  ),
                },
              }
            : {}),
        };
      },
      async invoke(options, token) {
        const answer = await client().sendRequest(RunToolRequest, { name, input: options.input }, token);
        if (answer.error !== undefined) return text({ error: answer.error });
        if (name === 'fix' && options.input.apply === true)
          return text(await applyFix(answer.result as FixResult));
        return text(answer.result);
      },
    }),
  );
}

interface FixResult {
  readonly path: string;
  readonly text: string;
  readonly applied: readonly unknown[];
}

/** Replaces the file's text in the editor with the fixed text, when something was fixed. */
async function applyFix(result: FixResult): Promise<FixResult & { written: boolean }> {
  if (result.applied.length === 0) return { ...result, written: false };
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const path = isAbsolute(result.path) || root === undefined ? result.path : join(root, result.path);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    document.uri,
    new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
    result.text,
  );
  return { ...result, written: await vscode.workspace.applyEdit(edit) };
}
