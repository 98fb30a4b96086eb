/**
 * metadata validation on create, following ValidateObjectMetaAccessor in kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go with NetworkPolicy's name rule
 * (ValidateNetworkPolicyName = NameIsDNSSubdomain, pkg/apis/networking/validation/validation.go):
 * - generateName, when set, must be a DNS subdomain prefix (the server then generates the name, so a
 *   manifest with generateName and no name is valid for `kubectl create`);
 * - name: "name or generateName is required"; when set, a DNS subdomain (at most 253 characters);
 * - namespace: a DNS label (at most 63 characters). An absent or empty namespace is filled in from the
 *   request (kubectl's current namespace), so it is not an error here;
 * - labels: ValidateLabels (label keys and values, labels.ts);
 * - annotations: ValidateAnnotations, keys are qualified names once lower-cased, and keys plus values
 *   total at most 256 KiB (TotalAnnotationSizeLimitB);
 * - ownerReferences: apiVersion with a version, kind, name and uid are required (validateOwnerReference).
 */
import { isMap, isSeq } from '../parse/snode.js';
import { namespaceNameProblems, objectNameProblems } from './dns-names.js';
import { qualifiedNameProblems } from './labels.js';
import {
  anchorOf,
  anchorSpan,
  byteLength,
  childAt,
  isNullNode,
  itemsAt,
  joinPath,
  keySpan,
  keyText,
  nullPhrase,
  quote,
  stringOf,
  valueSpan,
} from './report.js';
import type { At, Reporter } from './report.js';
import { validateLabelMap } from './selectors.js';

const totalAnnotationSizeLimit = 256 * 1024;

export function validateMetadata(r: Reporter, root: At): void {
  const meta = childAt(root, 'metadata');
  if (meta && !isNullNode(meta.node) && !isMap(meta.node)) return; // wrong type: reported by the structure check
  const inMeta = (name: string): At | undefined =>
    meta && isMap(meta.node) ? childAt(meta, name) : undefined;

  const generateNameAt = inMeta('generateName');
  const generateName = generateNameAt ? stringOf(generateNameAt.node) : undefined;
  if (generateNameAt && generateName) {
    const problems = objectNameProblems(generateName, true);
    if (problems.length > 0) {
      r.error(
        'api-invalid-name',
        valueSpan(r.file, generateNameAt),
        `generateName ${quote(generateName)} is not a valid name prefix: it ${problems.join(', and ')}.`,
        { path: generateNameAt.path },
      );
    }
  }

  checkName(r, root, meta, inMeta('name'), generateName !== undefined && generateName !== '');

  const namespaceAt = inMeta('namespace');
  const namespace = namespaceAt ? stringOf(namespaceAt.node) : undefined;
  if (namespaceAt && namespace) {
    const problems = namespaceNameProblems(namespace);
    if (problems.length > 0) {
      r.error(
        'api-invalid-name',
        valueSpan(r.file, namespaceAt),
        `Namespace ${quote(namespace)} is not a valid namespace name (a DNS label): it ${problems.join(', and ')}.`,
        { path: namespaceAt.path },
      );
    }
  }

  const labels = inMeta('labels');
  if (labels) validateLabelMap(r, labels, 'object');
  const annotations = inMeta('annotations');
  if (annotations) validateAnnotations(r, annotations);
  const owners = inMeta('ownerReferences');
  if (owners && isSeq(owners.node)) for (const owner of itemsAt(owners)) validateOwnerReference(r, owner);
}

function checkName(
  r: Reporter,
  root: At,
  meta: At | undefined,
  nameAt: At | undefined,
  generated: boolean,
): void {
  const name = nameAt ? stringOf(nameAt.node) : undefined;
  if (name !== undefined && name !== '') {
    const problems = objectNameProblems(name, false);
    if (problems.length > 0 && nameAt) {
      r.error(
        'api-invalid-name',
        valueSpan(r.file, nameAt),
        `Name ${quote(name)} is not a valid NetworkPolicy name (a DNS subdomain): it ${problems.join(', and ')}.`,
        { path: nameAt.path },
      );
    }
    return;
  }
  if (nameAt && !isNullNode(nameAt.node) && name === undefined) return; // wrong type: reported by the structure check
  if (generated) return; // the API server generates the name from generateName
  const required = 'metadata.name is required (or metadata.generateName, with kubectl create)';
  if (!meta) {
    r.error('api-missing-field', anchorSpan(root), `This NetworkPolicy has no metadata; ${required}.`, {
      path: 'metadata.name',
    });
  } else if (isNullNode(meta.node)) {
    r.error(
      'api-missing-field',
      keySpan(r.file, meta),
      `metadata ${nullPhrase(meta.node)}, so there is no name; ${required}.`,
      {
        path: 'metadata.name',
      },
    );
  } else if (!nameAt) {
    r.error('api-missing-field', keySpan(r.file, meta), `${capitalise(required)}.`, {
      path: 'metadata.name',
    });
  } else if (isNullNode(nameAt.node)) {
    r.error(
      'api-missing-field',
      valueSpan(r.file, nameAt),
      `metadata.name ${nullPhrase(nameAt.node)}; a name is required.`,
      {
        path: 'metadata.name',
      },
    );
  } else {
    r.error('api-missing-field', valueSpan(r.file, nameAt), 'metadata.name is empty; a name is required.', {
      path: 'metadata.name',
    });
  }
}

function validateAnnotations(r: Reporter, annotations: At): void {
  if (!isMap(annotations.node)) return;
  let total = 0;
  for (const pair of annotations.node.pairs) {
    const key = keyText(pair.key);
    if (key === undefined) continue;
    const problems = qualifiedNameProblems(key.toLowerCase());
    if (problems.length > 0) {
      r.error(
        'api-invalid-label',
        pair.key.span,
        `Annotation key ${quote(key)} is invalid: ${problems.join('; ')}.`,
        {
          path: joinPath(annotations.path, key),
        },
      );
    }
    total += byteLength(key) + byteLength(stringOf(pair.value) ?? '');
  }
  if (total > totalAnnotationSizeLimit) {
    r.error(
      'api-invalid-label',
      keySpan(r.file, annotations),
      `The annotations total ${total} bytes; the API allows at most ${totalAnnotationSizeLimit} (256 KiB).`,
      { path: annotations.path },
    );
  }
}

function validateOwnerReference(r: Reporter, owner: At): void {
  if (!isMap(owner.node)) return;
  const missing: string[] = [];
  const apiVersion = stringOf(childAt(owner, 'apiVersion')?.node) ?? '';
  const parts = apiVersion.split('/');
  const version = parts.length === 1 ? parts[0]! : parts.length === 2 ? parts[1]! : '';
  if (version === '') missing.push('apiVersion (with a version)');
  for (const name of ['kind', 'name', 'uid']) {
    const at = childAt(owner, name);
    if (!at || (stringOf(at.node) ?? (isNullNode(at.node) ? '' : 'set')) === '') missing.push(name);
  }
  if (missing.length > 0) {
    r.error(
      'api-missing-field',
      anchorOf(r.file, owner),
      `The owner reference ${owner.path} needs ${missing.join(', ')}.`,
      {
        path: owner.path,
        missing,
      },
    );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
