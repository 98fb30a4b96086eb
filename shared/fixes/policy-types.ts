/**
 * Fixes for the policyTypes rules:
 * - `policy-types-ignored-rules` (on the `ingress`/`egress` key, data `{ direction }`): the rules of a
 *   direction missing from policyTypes are ignored; either add the type to policyTypes (flow or block
 *   list, as written) or delete the ignored rules;
 * - `policy-types-implicit` (data `{ effective }`): write the defaulted types explicitly, after podSelector.
 *   "If no policyTypes are specified on a NetworkPolicy then by default Ingress will always be set and
 *   Egress will be set if the NetworkPolicy has any egress rules"
 *   (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource).
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import { isScalar, isSeq } from '../parse/snode.js';
import type { Fix } from './types.js';
import { editorAt, editorOfObject, ownPair, policyOf, quickFix, specOf, stringList } from './target.js';

export function policyTypesIgnoredFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const editor = editorAt(ctx, finding.file, finding.span.start);
  const pair = editor?.pairWithKeyAt(finding.span.start);
  const spec = pair && editor?.mapOf(pair);
  if (!editor || !pair || !spec) return [];
  const raw = typeof finding.data?.direction === 'string' ? finding.data.direction : pair.key.value;
  const direction = typeof raw === 'string' ? raw.toLowerCase() : undefined;
  if (direction !== 'ingress' && direction !== 'egress') return [];
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const out: Fix[] = [];
  const types = ownPair(editor, spec, 'policyTypes')?.value;
  if (isSeq(types) && !types.items.some((item) => isScalar(item) && item.value === type)) {
    out.push(...quickFix(`Add ${type} to policyTypes`, editor.appendItem(types, type)));
  }
  out.push(...quickFix(`Remove the ignored ${direction} rules`, editor.deletePair(spec, pair)));
  return out;
}

export function policyTypesImplicitFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const target = policyOf(ctx, finding);
  const editor = target && editorOfObject(ctx, target.object);
  const spec = editor && target && specOf(editor, target.object);
  if (!target || !editor || !spec || ownPair(editor, spec, 'policyTypes')) return [];
  let effective: string[] = stringList(finding.data?.effective).filter(
    (t) => t === 'Ingress' || t === 'Egress',
  );
  if (effective.length === 0) {
    effective = [
      ...(target.policy.affectsIngress ? ['Ingress'] : []),
      ...(target.policy.affectsEgress ? ['Egress'] : []),
    ];
  }
  if (effective.length === 0) return [];
  const after = ownPair(editor, spec, 'podSelector') ? 'podSelector' : undefined;
  return quickFix(
    'Write policyTypes explicitly',
    editor.insertPair(spec, 'policyTypes', effective, after),
    true,
  );
}
