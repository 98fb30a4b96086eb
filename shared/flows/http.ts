/**
 * Whether an observed HTTP request passes L7 rules (Cilium `rules.http`, reach/layers.ts HttpRestriction):
 * a rule's `method` and `path` are extended POSIX regular expressions matched against the whole method and
 * path ("Path is an extended POSIX regex matched against the path of a request", Method likewise,
 * https://docs.cilium.io/en/stable/security/policy/language/#http). A rule that also requires a host or
 * headers cannot be judged from a flow record, and is taken to match: the dry run never reports a request
 * it cannot tell is denied.
 */
import type { HttpMatch } from '../model/rule-model.js';

const compiled = new Map<string, RegExp | undefined>();

function whole(pattern: string, text: string): boolean {
  let re = compiled.get(pattern);
  if (!compiled.has(pattern)) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = undefined;
    }
    compiled.set(pattern, re);
  }
  // A pattern JavaScript cannot read is not judged.
  return re ? re.test(text) : true;
}

export function httpAllows(
  rules: readonly HttpMatch[],
  method: string | undefined,
  path: string | undefined,
): boolean {
  return rules.some(
    (r) =>
      r.host !== undefined ||
      (r.headers?.length ?? 0) > 0 ||
      ((r.method === undefined || method === undefined || whole(r.method, method)) &&
        (r.path === undefined || path === undefined || whole(r.path, path))),
  );
}
