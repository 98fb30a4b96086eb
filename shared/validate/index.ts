/**
 * API validity: everything the Kubernetes API server would reject in a NetworkPolicy.
 *
 * Entry point: {@link validateNetworkPolicy}. A policy with any finding of category 'api' and
 * severity 'error' is `rejected` in the model and takes no part in reachability. Findings of severity
 * 'warning' (rule api-invalid-type, `data.null: true`) mark nulls the API server accepts but reads in a
 * way that is rarely what was meant (`podSelector:` with no value selects every pod); they do not make
 * the policy rejected.
 *
 * The modules of this folder:
 * - schema.ts: the typed description of the object's fields; structure.ts checks the object against it
 *   (unknown fields, wrong types, nulls) with "did you mean" hints from suggest.ts;
 * - api-version.ts, metadata.ts (with dns-names.ts), spec.ts: the value checks of the API server's
 *   ValidateNetworkPolicy, split into selectors.ts (with labels.ts), peers.ts, ip-block.ts (with cidr.ts),
 *   ports.ts and policy-types.ts;
 * - report.ts: field paths, spans and the finding collector.
 */
import { compareFindings } from '../findings.js';
import type { Finding } from '../findings.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { checkApiVersion } from './api-version.js';
import { validateMetadata } from './metadata.js';
import { childAt, Reporter } from './report.js';
import type { At } from './report.js';
import { networkPolicyType } from './schema.js';
import { validateSpec } from './spec.js';
import { checkStructure } from './structure.js';

/** Validates one object of kind NetworkPolicy; returns its findings (none when valid), in source order. */
export function validateNetworkPolicy(object: KubeObject): Finding[] {
  const r = new Reporter(object.file);
  const root: At = { node: object.node, key: undefined, path: '' };
  // A NetworkPolicy of a third-party API group (Calico's, …) is not the Kubernetes resource.
  if (!checkApiVersion(r, object, root)) return [];
  checkStructure(r, root, networkPolicyType);
  validateMetadata(r, root);
  const spec = childAt(root, 'spec');
  if (spec) validateSpec(r, spec);
  return r.findings.sort(compareFindings);
}
