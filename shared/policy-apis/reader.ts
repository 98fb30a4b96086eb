/**
 * Reading a policy object of another API: the problems found on the way become findings
 * (`policy-api-invalid` for what the API server or the CRD's validation rejects, after which the policy
 * takes no part in reachability; `policy-api-not-modelled` for parts that are valid but not modelled),
 * and unknown fields are named with a "did you mean".
 */
import type { Finding } from '../findings.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { isMap, isScalar, isSeq } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';
import type { Span } from '../source/source-file.js';
import { editDistance } from '../validate/suggest.js';
import type { Origin } from '../model/types.js';
import { fieldNames, schemaAt } from './schemas.js';
import type { FieldSchema } from './schemas.js';

export class PolicyReader {
  readonly findings: Finding[] = [];
  /** True once a problem makes the object one the API server rejects. */
  rejected = false;

  constructor(
    readonly object: KubeObject,
    /** `ClusterNetworkPolicy default-deny`, for messages. */
    readonly title: string,
    /**
     * Cilium: what its CRD rejects depends on the installed version (older CRDs validated little; the
     * agent refuses malformed rules when it imports them), which the workspace does not show, so problems
     * are info (docs/rules.md, severity policy) while the policy still takes no part.
     */
    readonly versionDependent = false,
    /** The fields of the API at every level (schemas.ts): what `fields` accepts. */
    readonly schema?: FieldSchema,
  ) {}

  /** The field names the API defines at a path (`spec.ingress[0].from[1]`). */
  fieldsAt(path: string): string[] {
    return fieldNames(schemaAt(this.schema, path));
  }

  origin(node: SNode | undefined): Origin {
    return { file: this.object.file, span: (node ?? this.object.node).span };
  }

  /** An error the API server (or the CRD's schema) rejects the object for. */
  invalid(node: SNode | undefined, path: string, message: string, span?: Span): void {
    this.rejected = true;
    this.findings.push({
      rule: 'policy-api-invalid',
      severity: this.versionDependent ? 'info' : 'error',
      message: `${this.title}: ${path ? `${path}: ` : ''}${message} The object is rejected, so it takes no part in the analysis.`,
      file: this.object.file,
      span: span ?? (node ?? this.object.node).span,
      data: { path },
    });
  }

  /** A valid part that the analysis does not model: said, never silently dropped. */
  notModelled(node: SNode | undefined, path: string, message: string): void {
    this.findings.push({
      rule: 'policy-api-not-modelled',
      severity: 'info',
      message: `${this.title}: ${path}: ${message}`,
      file: this.object.file,
      span: (node ?? this.object.node).span,
      data: { path },
    });
  }

  /**
   * Reports keys of a map that the API does not define. The API server prunes unknown fields of a custom
   * resource (kubectl's strict field validation refuses them instead), so the object is read without
   * them: a warning (info where the schema depends on the version), not a rejection.
   */
  fields(node: SNode | undefined, path: string, allowed: readonly string[] = this.fieldsAt(path)): void {
    if (!isMap(node) || allowed.length === 0) return;
    for (const pair of node.pairs) {
      const key = pair.key.value;
      if (typeof key !== 'string' || allowed.includes(key)) continue;
      const close = allowed
        .map((f) => ({ f, d: editDistance(f.toLowerCase(), key.toLowerCase(), 2) }))
        .filter((c) => c.d <= 2)
        .sort((a, b) => a.d - b.d)[0];
      const at = path ? `${path}.${key}` : key;
      this.findings.push({
        rule: 'policy-api-invalid',
        severity: this.versionDependent ? 'info' : 'warning',
        message:
          `${this.title}: ${at}: unknown field "${key}"${close ? `; did you mean "${close.f}"?` : ''} ` +
          `(fields here: ${allowed.join(', ')}). The API server drops it (or refuses the object under strict field validation); it is ignored here.`,
        file: this.object.file,
        span: pair.key.span,
        data: { path: at, ...(close ? { suggestion: close.f } : {}) },
      });
    }
  }

  /** A map node, or an error when the value is there but not a map. */
  map(node: SNode | undefined, path: string): SNode | undefined {
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (!isMap(node)) {
      this.invalid(node, path, 'must be an object.');
      return undefined;
    }
    return node;
  }

  /** The items of a list node, or an error when the value is there but not a list. */
  list(node: SNode | undefined, path: string): readonly SNode[] {
    if (node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) {
      this.invalid(node, path, 'must be a list.');
      return [];
    }
    return node.items;
  }

  string(node: SNode | undefined, path: string): string | undefined {
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    this.invalid(node, path, 'must be a string.');
    return undefined;
  }

  integer(node: SNode | undefined, path: string): number | undefined {
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value)) return node.value;
    this.invalid(node, path, 'must be an integer.');
    return undefined;
  }

  number(node: SNode | undefined, path: string): number | undefined {
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (isScalar(node) && typeof node.value === 'number') return node.value;
    this.invalid(node, path, 'must be a number.');
    return undefined;
  }

  /** One of `values`; an error otherwise. */
  oneOf<T extends string>(node: SNode | undefined, path: string, values: readonly T[]): T | undefined {
    const text = this.string(node, path);
    if (text === undefined) return undefined;
    if ((values as readonly string[]).includes(text)) return text as T;
    this.invalid(node, path, `"${text}" is not one of ${values.join(', ')}.`);
    return undefined;
  }
}
