/**
 * The apiVersion of a NetworkPolicy. The API server serves NetworkPolicy only as networking.k8s.io/v1
 * (kubernetes/kubernetes staging/src/k8s.io/api/networking/v1/types.go; there is no networking.k8s.io
 * v1beta1 NetworkPolicy, and extensions/v1beta1 NetworkPolicy was removed in Kubernetes 1.16). Any other
 * version of a built-in group (one without a dot, such as `extensions` or `apps`, or a *.k8s.io group) is
 * not served. A kind NetworkPolicy in a third-party
 * group (projectcalico.org/v3, crd.projectcalico.org/v1, …) is a different resource altogether: it is not
 * validated against the Kubernetes schema.
 */
import type { Span } from '../source/source-file.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { get } from '../parse/snode.js';
import { anchorSpan, childAt, isNullNode, nullPhrase, quote, stringOf, valueSpan } from './report.js';
import type { At, Reporter } from './report.js';

export const servedApiVersion = 'networking.k8s.io/v1';

/** apiVersions under which NetworkPolicy was once served, with the release that removed them. */
const removedVersions: ReadonlyMap<string, string> = new Map([['extensions/v1beta1', '1.16']]);

/** True when `apiVersion` belongs to a built-in Kubernetes API group (as opposed to a CRD's group). */
export function isBuiltInGroupVersion(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return !group.includes('.') || group === 'k8s.io' || group.endsWith('.k8s.io');
}

/**
 * Checks the apiVersion; returns false when the object belongs to a third-party API group and must not be
 * validated as a Kubernetes NetworkPolicy.
 */
export function checkApiVersion(r: Reporter, object: KubeObject, root: At): boolean {
  const at = childAt(root, 'apiVersion');
  if (!at || isNullNode(at.node)) {
    // An item of a typed list (NetworkPolicyList) takes the list's apiVersion; items of a plain List do not.
    if (
      object.inList &&
      object.apiVersion !== undefined &&
      stringOf(get(object.document.root, 'kind')) !== 'List'
    ) {
      return checkValue(r, object.apiVersion, listVersionSpan(object));
    }
    const problem = at && isNullNode(at.node) ? `apiVersion ${nullPhrase(at.node)}` : 'apiVersion is missing';
    r.error(
      'api-missing-field',
      at ? valueSpan(r.file, at) : anchorSpan(root),
      `${problem}; write apiVersion: ${servedApiVersion}.`,
      { path: 'apiVersion', suggestion: servedApiVersion },
    );
    return true;
  }
  const apiVersion = stringOf(at.node);
  if (apiVersion === undefined) return true; // wrong type: reported by the structure check
  return checkValue(r, apiVersion, valueSpan(r.file, at));
}

function checkValue(r: Reporter, apiVersion: string, span: Span): boolean {
  if (apiVersion === servedApiVersion) return true;
  const removedIn = removedVersions.get(apiVersion);
  if (removedIn !== undefined) {
    r.error(
      'api-removed-version',
      span,
      `NetworkPolicy ${apiVersion} was removed in Kubernetes ${removedIn}; use ${servedApiVersion}.`,
      { suggestion: servedApiVersion },
    );
    return true;
  }
  if (!isBuiltInGroupVersion(apiVersion)) return false;
  r.error(
    'api-removed-version',
    span,
    `Kubernetes does not serve NetworkPolicy as ${quote(apiVersion)}; the only served version is ${servedApiVersion}.`,
    { suggestion: servedApiVersion },
  );
  return true;
}

function listVersionSpan(object: KubeObject): Span {
  const listVersion = get(object.document.root, 'apiVersion');
  return listVersion ? listVersion.span : object.node.span;
}
