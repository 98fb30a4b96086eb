/**
 * Every contributed command, executed in the real workbench. The quick-pick commands take arguments
 * (explainConnection: from, to, port; createDefaultDeny: namespace, target) so they run without UI;
 * their quick picks are driven by the Chromium journeys (test/e2e/journeys.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import type {
  DryRunResult,
  ExplainResult,
  FlowsResult,
  GenerateFromFlowsResult,
} from '../../../shared/protocol.js';
import { EXTENSION_ID, codeOf, waitFor, waitForDiagnostics, workspaceUri } from './support.js';

interface ContributedCommand {
  readonly command: string;
  readonly title: string;
}

function contributedCommands(): ContributedCommand[] {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  const contributes = (extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } })
    .contributes;
  return contributes?.commands ?? [];
}

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs);
}

export function registerCommandTests(): void {
  describe('contributed commands', () => {
    it('every contributed command is registered', async () => {
      const contributed = contributedCommands().map((c) => c.command);
      assert.deepEqual(contributed, [
        'netpolScope.showReachability',
        'netpolScope.compareWithHead',
        'netpolScope.explainConnection',
        'netpolScope.createDefaultDeny',
        'netpolScope.loadFlows',
        'netpolScope.dryRunFlows',
        'netpolScope.generateFromFlows',
        'netpolScope.clearFlows',
        'netpolScope.restartServer',
        'netpolScope.showOutput',
      ]);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(
        contributed.filter((c) => !registered.has(c)),
        [],
      );
    });

    it('netpolScope.explainConnection explains an allowed connection (shop/frontend → shop/cart on 7070/TCP)', async () => {
      const result = await vscode.commands.executeCommand<ExplainResult | undefined>(
        'netpolScope.explainConnection',
        'shop/frontend',
        'shop/cart',
        '7070/TCP',
      );
      assert.ok(result);
      assert.equal(result.allowed, true);
      assert.equal(result.from, 'shop/frontend[Deployment]');
      assert.equal(result.to, 'shop/cart[Deployment]');
      assert.deepEqual(
        result.egress.rules.filter((r) => r.covers).map((r) => `${r.policy} ${r.direction}[${r.index}]`),
        ['shop/frontend egress[0]'],
      );
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.scheme, 'netpol-scope-explain');
      assert.match(
        editor.document.getText(),
        /^shop\/frontend\[Deployment\] → shop\/cart\[Deployment\] on TCP 7070: ALLOWED\./,
      );
    });

    it('netpolScope.explainConnection explains a denied connection (shop/frontend → shop/db on 5432/TCP)', async () => {
      const result = await vscode.commands.executeCommand<ExplainResult | undefined>(
        'netpolScope.explainConnection',
        'shop/frontend[Deployment]',
        'shop/db[StatefulSet]',
        '5432/TCP',
      );
      assert.equal(result?.allowed, false);
      assert.match(result.text, /DENIED\.\n\nEgress from shop\/frontend\[Deployment\]: denied\./);
      assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /on TCP 5432: DENIED/);
    });

    it('netpolScope.createDefaultDeny writes default-deny-monitoring.yaml into the workspace folder', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      assert.ok(folder);
      const written = await vscode.commands.executeCommand<string | undefined>(
        'netpolScope.createDefaultDeny',
        'monitoring',
        folder,
      );
      const expected = vscode.Uri.joinPath(folder, 'default-deny-monitoring.yaml');
      assert.equal(written, expected.toString());
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.toString(), expected.toString());
      const text = editor.document.getText();
      assert.match(text, /kind: NetworkPolicy/);
      assert.match(text, /name: default-deny\n {2}namespace: monitoring\n/);
      assert.match(text, /podSelector: \{\}/);
      assert.match(text, /policyTypes:/);
    });

    it('netpolScope.createDefaultDeny appends to a given document', async () => {
      const target = workspaceUri('shop/payments-policies.yaml');
      const before = (await vscode.workspace.openTextDocument(target)).getText();
      const written = await vscode.commands.executeCommand<string | undefined>(
        'netpolScope.createDefaultDeny',
        'payments',
        target.toString(),
      );
      assert.equal(written, target.toString());
      const after = (await vscode.workspace.openTextDocument(target)).getText();
      assert.ok(after.startsWith(before.trimEnd()), 'the existing policies are kept');
      assert.match(
        after.slice(before.trimEnd().length),
        /---\n[\s\S]*namespace: payments[\s\S]*podSelector: \{\}/,
      );
    });

    it('netpolScope.showReachability opens the reachability webview', async () => {
      const isReachability = (tab: vscode.Tab) =>
        tab.input instanceof vscode.TabInputWebview &&
        tab.input.viewType.endsWith('netpolScope.reachability');
      await vscode.commands.executeCommand('netpolScope.showReachability');
      const tab = await waitFor(
        vscode.window.tabGroups.onDidChangeTabs,
        () => allTabs().find(isReachability),
        'the Reachability tab',
        () =>
          allTabs()
            .map((t) => t.label)
            .join(', '),
      );
      assert.equal(tab.label, 'Reachability');
      // A second run reveals the same panel instead of opening another.
      await vscode.commands.executeCommand('netpolScope.showReachability');
      assert.equal(allTabs().filter(isReachability).length, 1);
    });

    it('observed flows: load, flow-would-drop on the policies, the dry run, generated policies, clear', async () => {
      const policies = workspaceUri('shop/policies.yaml');
      const drops = (d: readonly vscode.Diagnostic[]) => d.filter((x) => codeOf(x) === 'flow-would-drop');
      const loaded = await vscode.commands.executeCommand<FlowsResult | undefined>('netpolScope.loadFlows', [
        workspaceUri('flows/observed.csv'),
      ]);
      assert.deepEqual(
        loaded?.files.map((f) => [f.uri.endsWith('/flows/observed.csv'), f.format, f.records, f.origin]),
        [[true, 'plain-csv', 4, 'command']],
      );
      const flagged = await waitForDiagnostics(
        policies,
        (d) => drops(d).length > 0,
        'flow-would-drop on shop/policies.yaml',
      );
      // (Earlier tests of this suite changed the policies: other connections may be flagged too.)
      assert.ok(
        drops(flagged).some((d) =>
          d.message.startsWith(
            'Would drop 3 observed flows from shop/frontend[Deployment] to shop/db[StatefulSet] on TCP 5432',
          ),
        ),
      );

      const dryRun = await vscode.commands.executeCommand<DryRunResult>('netpolScope.dryRunFlows');
      assert.deepEqual(
        dryRun.report?.wouldBreak.map((w) => `${w.from} -> ${w.to} ${w.protocol} ${w.port}`),
        ['shop/frontend[Deployment] -> shop/db[StatefulSet] TCP 5432'],
      );
      assert.equal(vscode.window.activeTextEditor?.document.languageId, 'markdown');
      assert.equal(vscode.window.activeTextEditor?.document.getText(), dryRun.markdown);

      const generated = await vscode.commands.executeCommand<GenerateFromFlowsResult | undefined>(
        'netpolScope.generateFromFlows',
      );
      assert.ok(generated && generated.policies > 0);
      assert.match(generated.check, /4 observed connections, 0 would break/);
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.isUntitled, true);
      assert.equal(editor.document.languageId, 'yaml');
      assert.equal(editor.document.getText(), generated.yaml);

      await vscode.commands.executeCommand('netpolScope.clearFlows');
      await waitForDiagnostics(policies, (d) => drops(d).length === 0, 'no flow-would-drop after clearing');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('netpolScope.showOutput runs', async () => {
      await vscode.commands.executeCommand('netpolScope.showOutput');
    });

    it('netpolScope.restartServer starts a new server that analyses the workspace again', async () => {
      const uri = workspaceUri('shop/workloads.yaml');
      const isolated = (d: readonly vscode.Diagnostic[]) =>
        d.some((x) => codeOf(x) === 'workload-not-isolated');
      await waitForDiagnostics(uri, isolated, 'diagnostics before the restart');
      // Stopping the client clears its diagnostics; the new server publishes them again.
      let cleared = false;
      const watch = vscode.languages.onDidChangeDiagnostics(() => {
        if (vscode.languages.getDiagnostics(uri).length === 0) cleared = true;
      });
      try {
        await vscode.commands.executeCommand('netpolScope.restartServer');
        await waitForDiagnostics(uri, (d) => cleared && isolated(d), 'diagnostics from the restarted server');
      } finally {
        watch.dispose();
      }
      assert.ok(cleared);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        workspaceUri('shop/policies.yaml'),
        new vscode.Position(7, 4),
      );
      assert.ok(hovers.length > 0, 'the restarted server answers hovers');
    });
  });
}
