/**
 * API validity: everything the Kubernetes API server would reject in a NetworkPolicy.
 *
 * Entry point: {@link validateNetworkPolicy}. A policy with any finding of category 'api' and
 * severity 'error' is `rejected` in the model and takes no part in reachability.
 */
import type { Finding } from '../findings.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { get } from '../parse/snode.js';

/** apiVersions under which NetworkPolicy was once served and is no longer (extensions/v1beta1 was removed in 1.16). */
const removedVersions: ReadonlySet<string> = new Set(['extensions/v1beta1']);

/** Validates one object of kind NetworkPolicy; returns its findings (none when valid). */
export function validateNetworkPolicy(object: KubeObject): Finding[] {
  const findings: Finding[] = [];
  const apiVersion = object.apiVersion;
  if (apiVersion !== undefined && removedVersions.has(apiVersion)) {
    const node = get(object.node, 'apiVersion') ?? object.node;
    findings.push({
      rule: 'api-removed-version',
      severity: 'error',
      message: `NetworkPolicy ${apiVersion} was removed in Kubernetes 1.16; use networking.k8s.io/v1.`,
      file: object.file,
      span: node.span,
    });
  }
  return findings;
}
