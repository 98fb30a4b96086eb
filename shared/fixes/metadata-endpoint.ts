/**
 * Fix for `egress-metadata-endpoint` (on an ipBlock `cidr` value, data `{ address, except }`): egress to
 * 0.0.0.0/0 (or ::/0) also reaches the cloud metadata endpoint, which hands out instance credentials;
 * add it to the ipBlock's `except` list (created after `cidr` when absent).
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import { isScalar, isSeq } from '../parse/snode.js';
import type { Fix } from './types.js';
import { editorAt, nodeAtSpan, ownPair, quickFix } from './target.js';

const DEFAULT_ADDRESS = '169.254.169.254';

export function metadataEndpointFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const editor = editorAt(ctx, finding.file, finding.span.start);
  const node = editor && nodeAtSpan(editor, finding.span);
  const parent = node && editor?.parentOf(node);
  if (!editor || parent?.kind !== 'pair' || parent.pair.key.value !== 'cidr') return [];
  const ipBlock = parent.map;
  // An explicit allow of the endpoint (info, no data) has nothing to exclude.
  if (!finding.data) return [];
  const data = finding.data;
  const address = typeof data.address === 'string' && data.address !== '' ? data.address : DEFAULT_ADDRESS;
  const cidr =
    typeof data.except === 'string' && data.except.includes('/')
      ? data.except
      : `${address}/${address.includes(':') ? 128 : 32}`;
  // The API server rejects an `except` equal to its `cidr`.
  if (isScalar(parent.pair.value) && parent.pair.value.value === cidr) return [];
  const title = `Exclude the metadata endpoint ${address}`;
  const except = ownPair(editor, ipBlock, 'except');
  if (!except) return quickFix(title, editor.insertPair(ipBlock, 'except', [cidr], 'cidr'), true);
  if (isSeq(except.value)) {
    if (except.value.items.some((item) => isScalar(item) && item.value === cidr)) return [];
    return quickFix(title, editor.appendItem(except.value, cidr), true);
  }
  if (isScalar(except.value) && except.value.value === null) {
    return quickFix(title, editor.setValue(except, [cidr]), true);
  }
  return [];
}
