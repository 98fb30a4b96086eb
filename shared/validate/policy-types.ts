/**
 * spec.policyTypes, following ValidateNetworkPolicySpec in kubernetes/kubernetes
 * pkg/apis/networking/validation/validation.go: more than two entries is "may not specify more than two
 * policyTypes" (and then the entries are not checked); otherwise each entry must be exactly "Ingress" or
 * "Egress" (field.NotSupported; a null entry decodes as ""). Duplicates are accepted: `[Ingress, Ingress]`
 * passes (the list is `+listType=atomic` in staging/src/k8s.io/api/networking/v1/types.go), so they are
 * left to lint rules.
 */
import { isSeq } from '../parse/snode.js';
import { anchorOf, isNullNode, itemsAt, nullPhrase, quote, stringOf, valueSpan } from './report.js';
import type { At, Reporter } from './report.js';

const policyTypes = ['Ingress', 'Egress'] as const;

export function validatePolicyTypes(r: Reporter, list: At): void {
  if (!isSeq(list.node)) return;
  const entries = itemsAt(list);
  if (entries.length > policyTypes.length) {
    r.error(
      'api-invalid-policy-type',
      anchorOf(r.file, list),
      `${list.path} has ${entries.length} entries; the API allows at most two (Ingress and Egress).`,
      { path: list.path },
    );
    return;
  }
  for (const entry of entries) {
    if (isNullNode(entry.node)) {
      r.error(
        'api-invalid-policy-type',
        valueSpan(r.file, entry),
        `The entry ${entry.path} ${nullPhrase(entry.node)}; Kubernetes reads it as "", which is not a policy type: use Ingress or Egress.`,
        { path: entry.path },
      );
      continue;
    }
    const value = stringOf(entry.node);
    if (value === undefined || (policyTypes as readonly string[]).includes(value)) continue;
    const match = policyTypes.find((t) => t.toLowerCase() === value.trim().toLowerCase());
    const hint = match ? ` Policy types are case-sensitive: write ${match}.` : '';
    r.error(
      'api-invalid-policy-type',
      valueSpan(r.file, entry),
      `Policy type ${quote(value)} is not supported: use Ingress or Egress.${hint}`,
      { path: entry.path, ...(match ? { suggestion: match } : {}) },
    );
  }
}
