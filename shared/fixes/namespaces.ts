/**
 * Fixes for the namespace-selection rules (shared/lint/rules/):
 * - `namespace-name-label` (on the `name` label key of a namespaceSelector, in matchLabels or in a
 *   matchExpressions `key:`): use the label Kubernetes sets on every namespace, `kubernetes.io/metadata.name`;
 * - `namespace-selector-all` (on the `namespaceSelector: {}` value): one fix per namespace of the
 *   workspace, restricting the selector to it;
 * - `pod-selector-cross-namespace` (on a peer's podSelector value, data `{ namespaces }`): one fix per
 *   namespace whose pods the selector matches, adding a namespaceSelector to the same peer (the same list
 *   entry, so both selectors are ANDed; a new entry would be a second peer).
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import { METADATA_NAME_LABEL } from '../model/build-cluster.js';
import { isMap, isScalar } from '../parse/snode.js';
import type { Fix } from './types.js';
import { editorAt, nodeAtSpan, quickFix, stringList } from './target.js';

export function namespaceNameLabelFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const editor = editorAt(ctx, finding.file, finding.span.start);
  if (!editor) return [];
  const title = `Use ${METADATA_NAME_LABEL}`;
  const pair = editor.pairWithKeyAt(finding.span.start);
  if (pair && pair.key.value === 'name') {
    const map = editor.mapOf(pair);
    if (!map || map.pairs.some((p) => p.key.value === METADATA_NAME_LABEL)) return [];
    return quickFix(title, editor.replaceKey(pair, METADATA_NAME_LABEL), true);
  }
  const node = editor.valueAt(finding.span.start);
  const parent = node && editor.parentOf(node);
  if (isScalar(node) && node.value === 'name' && parent?.kind === 'pair' && parent.pair.key.value === 'key') {
    return quickFix(title, editor.replaceScalar(node, METADATA_NAME_LABEL), true);
  }
  return [];
}

export function namespaceSelectorAllFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const editor = editorAt(ctx, finding.file, finding.span.start);
  const node = editor && nodeAtSpan(editor, finding.span);
  const parent = node && editor?.parentOf(node);
  if (!editor || parent?.kind !== 'pair' || parent.pair.key.value !== 'namespaceSelector') return [];
  const names = [...ctx.workspace.model.namespaces.keys()].sort();
  return names.flatMap((name) =>
    quickFix(
      `Restrict to namespace ${name}`,
      editor.setValue(parent.pair, { matchLabels: { [METADATA_NAME_LABEL]: name } }),
    ),
  );
}

export function podSelectorCrossNamespaceFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const editor = editorAt(ctx, finding.file, finding.span.start);
  const node = editor && nodeAtSpan(editor, finding.span);
  const parent = node && editor?.parentOf(node);
  if (!editor || parent?.kind !== 'pair' || parent.pair.key.value !== 'podSelector') return [];
  const peer = parent.map;
  if (!isMap(peer) || peer.pairs.some((p) => p.key.value === 'namespaceSelector')) return [];
  const namespaces = stringList(finding.data?.namespaces);
  return namespaces.flatMap((name) =>
    quickFix(
      `Add namespaceSelector for namespace ${name}`,
      editor.insertPair(peer, 'namespaceSelector', { matchLabels: { [METADATA_NAME_LABEL]: name } }),
      namespaces.length === 1,
    ),
  );
}
