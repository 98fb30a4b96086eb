/**
 * Fix for `service-port-not-pod-port` (on a ports entry's `port` value, data `{ port, targetPort }`):
 * NetworkPolicy sees the pod's port, so the rule names the Service's targetPort instead.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import type { Fix } from './types.js';
import { editorAt, nodeAtSpan, quickFix } from './target.js';

export function servicePortFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const target = finding.data?.targetPort;
  if (typeof target !== 'number') return [];
  const editor = editorAt(ctx, finding.file, finding.span.start);
  const node = editor && nodeAtSpan(editor, finding.span);
  if (!editor || node?.kind !== 'scalar' || node.value !== finding.data?.port) return [];
  return quickFix(
    `Allow the pod's port ${target} (the Service's targetPort)`,
    editor.replaceScalar(node, target),
    true,
  );
}
