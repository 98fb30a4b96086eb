/**
 * Code actions: the quick fixes of the findings under the cursor (looked up from the diagnostics the
 * client sends back, by rule and span), a "disable for this line" action per finding, and the source
 * action that creates a default-deny policy.
 */
import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, CodeActionParams, Diagnostic } from 'vscode-languageserver';
import { fixesFor, sourceActions } from '../../shared/fixes/index.js';
import { suppressionFix } from '../../shared/lint/suppress.js';
import type { Fix } from '../../shared/fixes/types.js';
import { isDiagnosticData } from '../diagnostics.js';
import { toOffset } from '../positions.js';
import type { ServerState } from '../server.js';
import { toWorkspaceEdit } from './edits.js';

export const SOURCE_ACTION_KIND = `${CodeActionKind.Source}.netpolScope`;

function wanted(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function toAction(
  state: ServerState,
  fix: Fix,
  diagnostics: Diagnostic[] | undefined,
): CodeAction | undefined {
  const edit = toWorkspaceEdit(state, fix.edits);
  if (!edit) return undefined;
  return {
    title: fix.title,
    kind: fix.kind === 'quickfix' ? CodeActionKind.QuickFix : SOURCE_ACTION_KIND,
    ...(diagnostics ? { diagnostics } : {}),
    ...(fix.preferred ? { isPreferred: true } : {}),
    edit,
  };
}

export function codeActions(state: ServerState, params: CodeActionParams): CodeAction[] {
  const file = state.sourceOf(params.textDocument.uri);
  if (!file) return [];
  const analysis = state.analysis();
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (wanted(only, CodeActionKind.QuickFix)) {
    const findings = analysis.findingsOf(file.path);
    const suppressions: CodeAction[] = [];
    for (const diagnostic of params.context.diagnostics) {
      const data = diagnostic.data;
      if (!isDiagnosticData(data)) continue;
      const finding = findings.find(
        (f) => f.rule === data.rule && f.span.start === data.start && f.span.end === data.end,
      );
      if (!finding) continue;
      for (const fix of fixesFor(analysis, finding)) {
        const action = toAction(state, fix, [diagnostic]);
        if (action) actions.push(action);
      }
      const fix = suppressionFix(finding);
      const suppress = fix && toAction(state, fix, [diagnostic]);
      if (suppress) suppressions.push(suppress);
    }
    actions.push(...suppressions);
  }
  if (wanted(only, SOURCE_ACTION_KIND)) {
    const offset = toOffset(file, params.range.start);
    for (const fix of sourceActions(analysis, file, offset)) {
      const action = toAction(state, fix, undefined);
      if (action) actions.push(action);
    }
  }
  return actions;
}
