/**
 * Recognises Kubernetes objects inside parsed documents: plain objects, `kind: List` (what
 * `kubectl get -A -o yaml` prints) and typed lists such as `PodList`, whose items may lack
 * `apiVersion`/`kind` in kubectl dumps.
 */
import type { SourceFile, Span } from '../source/source-file.js';
import type { ManifestDocument } from './yaml-loader.js';
import { get, isMap, isSeq, stringValue } from './snode.js';
import type { SMap, SNode } from './snode.js';

export interface KubeObject {
  readonly file: SourceFile;
  /** The document holding the object (a List's items share their List's document). */
  readonly document: ManifestDocument;
  readonly node: SMap;
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  /** `metadata.namespace` as written; undefined when absent. */
  readonly namespace: string | undefined;
  /** True when the object came from the `items` of a List. */
  readonly inList: boolean;
}

/** Objects of one document; a non-Kubernetes document (no `kind`) yields nothing. */
export function objectsOfDocument(file: SourceFile, document: ManifestDocument): KubeObject[] {
  const root = document.root;
  if (!isMap(root)) return [];
  const kind = stringValue(get(root, 'kind'));
  const items = get(root, 'items');
  if (kind !== undefined && kind.endsWith('List') && isSeq(items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    const listApiVersion = stringValue(get(root, 'apiVersion'));
    const out: KubeObject[] = [];
    for (const item of items.items) {
      if (!isMap(item)) continue;
      const nested = objectOf(file, document, item, true, itemKind, listApiVersion);
      if (nested.kind !== undefined) out.push(nested);
    }
    return out;
  }
  if (kind === undefined) return [];
  return [objectOf(file, document, root, false, undefined, undefined)];
}

function objectOf(
  file: SourceFile,
  document: ManifestDocument,
  node: SMap,
  inList: boolean,
  defaultKind: string | undefined,
  defaultApiVersion: string | undefined,
): KubeObject {
  const metadata = get(node, 'metadata');
  return {
    file,
    document,
    node,
    apiVersion: stringValue(get(node, 'apiVersion')) ?? (inList ? defaultApiVersion : undefined),
    kind: stringValue(get(node, 'kind')) ?? defaultKind,
    name: stringValue(get(metadata, 'name')),
    namespace: stringValue(get(metadata, 'namespace')),
    inList,
  };
}

/** A short span to point at an object: its `metadata.name` value, else its `kind`, else the object. */
export function objectAnchor(object: KubeObject): Span {
  const name: SNode | undefined = get(get(object.node, 'metadata'), 'name');
  if (name) return name.span;
  const kind = get(object.node, 'kind');
  return kind ? kind.span : object.node.span;
}
