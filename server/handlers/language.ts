/** Hover, completion and code lens: convert LSP positions, call the core, convert back. */
import { CompletionItemKind, MarkupKind } from 'vscode-languageserver';
import type {
  CodeLens,
  CompletionItem,
  CompletionParams,
  Hover,
  HoverParams,
  CodeLensParams,
} from 'vscode-languageserver';
import { hoverAt } from '../../shared/features/hover.js';
import { completionsAt } from '../../shared/features/completion.js';
import { codeLenses } from '../../shared/features/code-lens.js';
import { toOffset, toRange } from '../positions.js';
import { sinceBaseLenses } from '../../shared/features/since-base.js';
import { LENS_WORKLOAD_LIMIT } from '../baseline.js';
import type { ServerState } from '../server.js';

/** The VS Code client registers this command; other editors show the lens title only. */
export const SHOW_REACHABILITY_COMMAND = 'netpolScope.showReachability';

export function hover(state: ServerState, params: HoverParams): Hover | null {
  const file = state.sourceOf(params.textDocument.uri);
  if (!file) return null;
  const result = hoverAt(state.analysis(), file, toOffset(file, params.position));
  if (!result) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: result.markdown },
    range: toRange(file, result.span),
  };
}

export function completion(state: ServerState, params: CompletionParams): CompletionItem[] {
  const file = state.sourceOf(params.textDocument.uri);
  if (!file) return [];
  const items = completionsAt(state.analysis(), file, toOffset(file, params.position));
  return items.map((item, i) => ({
    label: item.label,
    kind:
      item.kind === 'field'
        ? CompletionItemKind.Field
        : item.kind === 'labelKey'
          ? CompletionItemKind.Property
          : CompletionItemKind.Value,
    ...(item.detail ? { detail: item.detail } : {}),
    ...(item.documentation
      ? { documentation: { kind: MarkupKind.Markdown, value: item.documentation } }
      : {}),
    textEdit: { range: toRange(file, item.replace), newText: item.insertText },
    // Keep the core's order (most used first) whatever the client's default sorting.
    sortText: String(i).padStart(5, '0'),
  }));
}

/** The VS Code client registers this command: the reachability view in diff mode against HEAD. */
export const COMPARE_WITH_HEAD_COMMAND = 'netpolScope.compareWithHead';

export async function codeLens(state: ServerState, params: CodeLensParams): Promise<CodeLens[]> {
  const file = state.sourceOf(params.textDocument.uri);
  if (!file) return [];
  const analysis = state.analysis();
  const generation = state.generation();
  const lenses: CodeLens[] = codeLenses(analysis, file).map((lens) => ({
    range: toRange(file, lens.span),
    command: { title: lens.title, command: SHOW_REACHABILITY_COMMAND, arguments: [params.textDocument.uri] },
  }));
  // What each changed policy of the file does since HEAD (in a git repository, below the size limit:
  // above it the comparison runs on request only).
  if (analysis.workspace.model.workloads.length <= LENS_WORKLOAD_LIMIT) {
    const diff = await state.baseline.diff(analysis, generation).catch(() => undefined);
    const current = state.sourceOf(params.textDocument.uri);
    if (diff && current === file)
      for (const lens of sinceBaseLenses(diff, file, 'HEAD'))
        lenses.push({
          range: toRange(file, lens.span),
          command: { title: lens.title, command: COMPARE_WITH_HEAD_COMMAND, arguments: [] },
        });
  }
  return lenses.sort((a, b) => a.range.start.line - b.range.start.line);
}
