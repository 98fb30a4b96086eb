/** The status bar summary of the workspace: policies and non-isolated workloads; opens the reachability view. */
import * as vscode from 'vscode';
import type { StatusParams } from '../shared/protocol.js';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'netpolScope.status',
    vscode.StatusBarAlignment.Left,
    50,
  );

  constructor() {
    this.item.name = 'netpol-scope';
    this.item.command = 'netpolScope.showReachability';
    this.item.text = '$(shield) netpol-scope';
    this.item.tooltip = 'netpol-scope: starting…';
  }

  update(status: StatusParams): void {
    if (status.indexing) {
      this.item.text = '$(sync~spin) netpol-scope: indexing';
    } else {
      const open = status.nonIsolatedWorkloads;
      this.item.text = `$(shield) ${status.policies} ${status.policies === 1 ? 'policy' : 'policies'} · ${open} non-isolated`;
    }
    this.item.backgroundColor =
      status.errors > 0
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : status.nonIsolatedWorkloads > 0
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.tooltip = new vscode.MarkdownString(
      [
        '**netpol-scope**',
        '',
        `- ${status.files} manifest files, ${status.workloads} workloads`,
        `- ${status.policies} NetworkPolicies in effect${status.rejectedPolicies ? `, ${status.rejectedPolicies} rejected by the API server` : ''}`,
        `- ${status.nonIsolatedWorkloads} workloads not isolated for ingress or egress`,
        `- ${status.errors} errors, ${status.warnings} warnings`,
        '',
        'Click to show reachability.',
      ].join('\n'),
    );
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
