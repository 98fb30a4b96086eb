/**
 * Sets the context key `netpolScope.policyFile` while the active editor holds a NetworkPolicy, so that
 * the editor title shows the "Show Reachability" button on such files only.
 */
import * as vscode from 'vscode';

const POLICY = /^\s*kind\s*:\s*["']?NetworkPolicy["']?\s*$|"kind"\s*:\s*"NetworkPolicy"/m;

export function trackPolicyFiles(): vscode.Disposable[] {
  let last: boolean | undefined;
  const update = () => {
    const document = vscode.window.activeTextEditor?.document;
    const isPolicy = document !== undefined && POLICY.test(document.getText());
    if (isPolicy === last) return;
    last = isPolicy;
    void vscode.commands.executeCommand('setContext', 'netpolScope.policyFile', isPolicy);
  };
  update();
  return [
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) update();
    }),
  ];
}
