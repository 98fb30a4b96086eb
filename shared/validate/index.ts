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
import { networkPolicyType, objectMetaType } from './schema.js';
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

/**
 * Validates the metadata of another object that the analysis reads pods from (a Pod, a controller):
 * the types of its metadata fields (a YAML 1.1 `namespace: y` is a boolean, not a string), its namespace
 * and its ownerReferences (each needs apiVersion, kind, name and uid), as ValidateObjectMetaAccessor
 * does. The API server refuses such an object; build-cluster.ts decides what the analysis keeps of it.
 * (Label values of workloads are not judged here: policies are, where they select by them.)
 */
export function validateObjectMetadata(object: KubeObject): Finding[] {
  const r = new Reporter(object.file);
  const root: At = { node: object.node, key: undefined, path: '' };
  const metadata = childAt(root, 'metadata');
  if (metadata) checkStructure(r, metadata, objectMetaType);
  validateMetadata(r, root);
  const judged = (f: Finding) => {
    const path = typeof f.data?.path === 'string' ? f.data.path : '';
    return (
      f.rule === 'api-invalid-type' ||
      path.startsWith('metadata.namespace') ||
      path.startsWith('metadata.ownerReferences')
    );
  };
  return r.findings.filter(judged).sort(compareFindings);
}
