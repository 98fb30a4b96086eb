/**
 * Explanations opened from the "Explain Connection…" command, as read-only documents
 * (`netpol-scope-explain:` URIs) so that closing them never asks to save.
 */
import * as vscode from 'vscode';

export const EXPLANATION_SCHEME = 'netpol-scope-explain';

export class ExplanationDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  async show(title: string, text: string): Promise<void> {
    const uri = vscode.Uri.from({
      scheme: EXPLANATION_SCHEME,
      path: `/${++this.counter}/${title.replace(/[\\/]/g, '_')}.txt`,
    });
    this.texts.set(uri.toString(), text);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}
