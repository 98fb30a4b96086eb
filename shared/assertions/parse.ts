/**
 * Policy assertions: intent written down in the repository (`netpol-scope.assertions.yaml`) and checked
 * on every change. This module reads the file into {@link Assertion}s, keeping the span of every part
 * (diagnostics point at it), and reports what is malformed with the line and column where it is. The
 * schema is documented in the README and as a JSON Schema (schemas/assertions.schema.json) that the
 * YAML extension uses for completion; test/unit/assertions.test.ts keeps the two in agreement.
 *
 * ```yaml
 * assertions:
 *   - name: the database takes payments' traffic on 5432
 *     from: { namespace: payments }
 *     to: { namespace: payments, pods: { app: payments-db } }
 *     ports: [5432/TCP]
 *     expect: allow
 *   - name: nothing outside payments reaches the database
 *     from: { not: { namespace: payments } }
 *     to: { namespace: payments, pods: { app: payments-db } }
 *     expect: deny
 *   - name: the shop reaches the internet on HTTPS only
 *     from: { namespace: shop }
 *     to: { internet: true }
 *     expect: deny
 *     except: [443/TCP]
 * ```
 */
import { loadManifests } from '../parse/yaml-loader.js';
import { get, isMap, isScalar, isSeq, stringValue } from '../parse/snode.js';
import type { SMap, SNode } from '../parse/snode.js';
import { buildSelector } from '../model/build-selector.js';
import type { LabelSelector, Origin } from '../model/types.js';
import { protocols } from '../model/types.js';
import type { Protocol } from '../model/types.js';
import { IpRangeSet } from '../semantics/ip-set.js';
import { PortSet } from '../semantics/port-set.js';
import type { Span } from '../source/source-file.js';
import type { SourceFile } from '../source/source-file.js';

/** The default name of the assertions file (a setting and a CLI option choose another). */
export const ASSERTIONS_FILE = 'netpol-scope.assertions.yaml';

/** True for a path whose file name is an assertions file's (`netpol-scope.assertions.yaml` or `.yml`). */
export function isAssertionsPath(path: string, name = ASSERTIONS_FILE): boolean {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base === name || (name === ASSERTIONS_FILE && base === 'netpol-scope.assertions.yml');
}

/** Which endpoints of the reachability graph a `from` or `to` selects; every field given must hold. */
export interface EndpointSelector {
  /** Namespace names (`namespace: a` or `namespaces: [a, b]`). */
  readonly namespaces?: readonly string[];
  /** Namespace labels (`namespaceLabels: {team: a}`, or `namespaceSelector` as a LabelSelector). */
  readonly namespaceSelector?: LabelSelector;
  /** Pod labels (`pods: {app: db}`, or `podSelector` as a LabelSelector). */
  readonly podSelector?: LabelSelector;
  /** One workload: `namespace/name` or `namespace/name[Kind]`. */
  readonly workload?: string;
  /** Addresses: `cidr` with `except`, or `internet: true` (every public address). */
  readonly addresses?: IpRangeSet;
  /** The endpoints the inner selector does not select (addresses included). */
  readonly not?: EndpointSelector;
  /** Every endpoint: workloads, pods beyond the workspace and addresses. */
  readonly any?: boolean;
  /** The selector's node, for messages. */
  readonly span: Span;
}

export type Expectation = 'allow' | 'deny';

export interface Assertion {
  readonly name: string;
  readonly from: EndpointSelector;
  readonly to: EndpointSelector;
  readonly expect: Expectation;
  /** allow: every port listed must be allowed; deny: none of them may be. Absent: any port. */
  readonly ports: PortSet | undefined;
  /** deny only: ports that may be allowed ("deny except 443/TCP"). */
  readonly except: PortSet;
  /** The list item: where diagnostics about the assertion go. */
  readonly origin: Origin;
  /** The `name` value (or the item). */
  readonly anchor: Origin;
}

export interface AssertionError {
  readonly message: string;
  readonly span: Span;
}

export interface ParsedAssertions {
  readonly file: SourceFile;
  readonly assertions: readonly Assertion[];
  /** What is malformed; the assertions read from the rest are still checked. */
  readonly errors: readonly AssertionError[];
}

/**
 * Addresses outside every special-purpose range: the "internet". IPv4 without this network (0/8),
 * private (10/8, 172.16/12, 192.168/16), shared (100.64/10), loopback, link-local (169.254/16, with
 * the cloud metadata endpoint), IETF and documentation ranges, multicast and reserved (RFC 6890); IPv6
 * global unicast (2000::/3) without documentation (2001:db8::/32).
 */
export const internetRanges: IpRangeSet = (() => {
  const special = [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/3',
  ];
  const v4 = IpRangeSet.fromIpBlock('0.0.0.0/0', special)!;
  const v6 = IpRangeSet.fromIpBlock('2000::/3', ['2001:db8::/32'])!;
  return v4.union(v6);
})();

const selectorFields = new Set([
  'namespace',
  'namespaces',
  'namespaceLabels',
  'namespaceSelector',
  'pods',
  'podSelector',
  'workload',
  'cidr',
  'except',
  'internet',
  'not',
  'any',
]);
const assertionFields = new Set(['name', 'from', 'to', 'expect', 'ports', 'except']);

export function parseAssertions(file: SourceFile): ParsedAssertions {
  const errors: AssertionError[] = [];
  const fail = (message: string, node: { span: Span }) => errors.push({ message, span: node.span });
  const loaded = loadManifests(file);
  for (const p of loaded.problems) errors.push({ message: p.message, span: p.span });
  const assertions: Assertion[] = [];
  const root = loaded.documents.find((d) => d.root !== undefined)?.root;
  if (loaded.documents.filter((d) => d.root !== undefined).length > 1)
    fail('an assertions file holds one YAML document', loaded.documents.filter((d) => d.root)[1]!.root!);
  if (!root) {
    if (loaded.problems.length === 0)
      errors.push({ message: 'the file is empty: expected `assertions:`', span: { start: 0, end: 0 } });
    return { file, assertions, errors };
  }
  if (!isMap(root)) {
    fail('expected a mapping with `assertions:`', root);
    return { file, assertions, errors };
  }
  for (const pair of root.pairs) {
    if (pair.key.value !== 'assertions')
      fail(`unknown field "${String(pair.key.value)}": the file holds \`assertions:\``, pair.key);
  }
  const list = get(root, 'assertions');
  if (!list) {
    fail('missing `assertions:` (a list of assertions)', root);
    return { file, assertions, errors };
  }
  if (!isSeq(list)) {
    fail('`assertions` must be a list', list);
    return { file, assertions, errors };
  }
  const names = new Set<string>();
  list.items.forEach((item, index) => {
    const before = errors.length;
    const assertion = readAssertion(file, item, index, fail);
    if (assertion && names.has(assertion.name))
      fail(`another assertion is named "${assertion.name}"`, assertion.anchor);
    if (assertion && errors.length === before) {
      names.add(assertion.name);
      assertions.push(assertion);
    }
  });
  errors.sort((x, y) => x.span.start - y.span.start);
  return { file, assertions, errors };
}

type Fail = (message: string, node: { span: Span }) => void;

function readAssertion(file: SourceFile, item: SNode, index: number, fail: Fail): Assertion | undefined {
  if (!isMap(item)) {
    fail(`assertion ${index + 1}: expected a mapping with from, to and expect`, item);
    return undefined;
  }
  for (const pair of item.pairs) {
    const key = String(pair.key.value);
    if (!assertionFields.has(key))
      fail(`unknown field "${key}" (an assertion has ${[...assertionFields].join(', ')})`, pair.key);
  }
  const nameNode = get(item, 'name');
  const name = stringValue(nameNode) ?? `assertion ${index + 1}`;
  if (nameNode && stringValue(nameNode) === undefined) fail('`name` must be a string', nameNode);
  const label = `"${name}"`;
  const from = required(item, 'from', label, fail);
  const to = required(item, 'to', label, fail);
  const expectNode = required(item, 'expect', label, fail);
  const expect = stringValue(expectNode);
  if (expectNode && expect !== 'allow' && expect !== 'deny')
    fail(`${label}: expect must be allow or deny`, expectNode);
  const fromSel = from ? readSelector(file, from, `${label} from`, fail) : undefined;
  const toSel = to ? readSelector(file, to, `${label} to`, fail) : undefined;
  const portsNode = get(item, 'ports');
  const ports = portsNode ? readPorts(portsNode, `${label} ports`, fail) : undefined;
  const exceptNode = get(item, 'except');
  const except = exceptNode ? readPorts(exceptNode, `${label} except`, fail) : undefined;
  if (exceptNode && expect === 'allow')
    fail(`${label}: except goes with expect: deny ("deny except 443/TCP")`, exceptNode);
  if (!fromSel || !toSel || (expect !== 'allow' && expect !== 'deny')) return undefined;
  return {
    name,
    from: fromSel,
    to: toSel,
    expect,
    ports,
    except: except ?? PortSet.none,
    origin: { file, span: item.span },
    anchor: { file, span: (nameNode ?? item).span },
  };
}

function required(item: SMap, key: string, label: string, fail: Fail): SNode | undefined {
  const node = get(item, key);
  if (!node) fail(`${label}: missing \`${key}\``, item);
  return node;
}

function readSelector(
  file: SourceFile,
  node: SNode,
  label: string,
  outer: Fail,
): EndpointSelector | undefined {
  let failed = false;
  const fail: Fail = (message, at) => {
    failed = true;
    outer(message, at);
  };
  if (!isMap(node)) {
    fail(`${label}: expected a mapping such as {namespace: shop, pods: {app: web}}`, node);
    return undefined;
  }
  for (const pair of node.pairs) {
    const key = String(pair.key.value);
    if (!selectorFields.has(key))
      fail(`${label}: unknown field "${key}" (one of ${[...selectorFields].join(', ')})`, pair.key);
  }
  let namespaces: string[] | undefined;
  const ns = get(node, 'namespace');
  const nss = get(node, 'namespaces');
  if (ns && nss) fail(`${label}: namespace and namespaces together`, nss);
  if (ns) {
    const v = stringValue(ns);
    if (v === undefined) fail(`${label}: namespace must be a name`, ns);
    else namespaces = [v];
  }
  if (nss) {
    if (!isSeq(nss) || nss.items.some((i) => stringValue(i) === undefined))
      fail(`${label}: namespaces must be a list of names`, nss);
    else namespaces = nss.items.map((i) => stringValue(i)!);
  }
  const namespaceSelector = labels(file, node, 'namespaceLabels', 'namespaceSelector', label, fail);
  const podSelector = labels(file, node, 'pods', 'podSelector', label, fail);
  const workloadNode = get(node, 'workload');
  const workload = stringValue(workloadNode);
  if (workloadNode && (workload === undefined || !/^[^/\s]+\/[^/\s[\]]+(\[[A-Za-z]+\])?$/.test(workload)))
    fail(`${label}: workload must look like namespace/name or namespace/name[Kind]`, workloadNode);
  let addresses: IpRangeSet | undefined;
  const cidr = get(node, 'cidr');
  const except = get(node, 'except');
  const internet = get(node, 'internet');
  if (cidr) {
    const exceptions = except
      ? isSeq(except)
        ? except.items.map((i) => stringValue(i) ?? '')
        : undefined
      : [];
    if (exceptions === undefined) fail(`${label}: except must be a list of CIDRs`, except!);
    const text = stringValue(cidr);
    const ranges = text !== undefined && exceptions ? IpRangeSet.fromIpBlock(text, exceptions) : undefined;
    if (!ranges) fail(`${label}: cidr must be a CIDR such as 10.0.0.0/8, and except CIDRs inside it`, cidr);
    else addresses = ranges;
  } else if (except) fail(`${label}: except goes with cidr`, except);
  if (internet) {
    if (!(isScalar(internet) && internet.value === true)) fail(`${label}: internet must be true`, internet);
    else if (cidr) fail(`${label}: internet and cidr together`, internet);
    else addresses = internetRanges;
  }
  const notNode = get(node, 'not');
  const not = notNode ? readSelector(file, notNode, `${label} not`, fail) : undefined;
  const anyNode = get(node, 'any');
  if (anyNode && !(isScalar(anyNode) && anyNode.value === true)) fail(`${label}: any must be true`, anyNode);
  const pods = namespaces || namespaceSelector || podSelector || workload !== undefined;
  if (addresses && pods)
    fail(`${label}: addresses (cidr, internet) cannot be combined with namespaces, pods or a workload`, node);
  if (anyNode && node.pairs.length > 1) fail(`${label}: any: true stands alone`, anyNode);
  if (failed) return undefined;
  return {
    ...(namespaces ? { namespaces } : {}),
    ...(namespaceSelector ? { namespaceSelector } : {}),
    ...(podSelector ? { podSelector } : {}),
    ...(workload !== undefined ? { workload } : {}),
    ...(addresses ? { addresses } : {}),
    ...(not ? { not } : {}),
    ...(anyNode ? { any: true } : {}),
    span: node.span,
  };
}

/** `pods: {app: web}` (labels) or `podSelector: {matchLabels, matchExpressions}`. */
function labels(
  file: SourceFile,
  node: SMap,
  short: string,
  long: string,
  label: string,
  fail: Fail,
): LabelSelector | undefined {
  const a = get(node, short);
  const b = get(node, long);
  if (a && b) fail(`${label}: ${short} and ${long} together`, b);
  if (a) {
    if (!isMap(a) || a.pairs.some((p) => stringValue(p.value) === undefined)) {
      fail(`${label}: ${short} must map label keys to values, e.g. {app: web}`, a);
      return undefined;
    }
    return {
      requirements: a.pairs.map((p) => ({
        key: String(p.key.value),
        operator: 'In' as const,
        values: [stringValue(p.value)!],
        origin: { file, span: p.span },
      })),
      origin: { file, span: a.span },
      invalid: false,
    };
  }
  if (b) {
    const selector = buildSelector(file, b);
    if (selector.invalid) {
      fail(
        `${label}: ${long} is not a valid label selector (matchLabels, matchExpressions with In, NotIn, Exists, DoesNotExist)`,
        b,
      );
      return undefined;
    }
    return selector;
  }
  return undefined;
}

/** `[5432/TCP, 53/UDP, 8000-8100/TCP, 80]` (TCP when no protocol is given). */
function readPorts(node: SNode, label: string, fail: Fail): PortSet | undefined {
  if (!isSeq(node)) {
    fail(`${label} must be a list such as [5432/TCP, 53/UDP]`, node);
    return undefined;
  }
  let set = PortSet.none;
  for (const item of node.items) {
    const text = isScalar(item) && item.value !== null ? String(item.value) : undefined;
    const m = text === undefined ? null : /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(text.trim());
    const protocol = (m?.[3]?.toUpperCase() ?? 'TCP') as Protocol;
    const lo = Number(m?.[1]);
    const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
    if (!m || !protocols.includes(protocol) || lo < 1 || hi > 65535 || hi < lo) {
      fail(`${label}: "${text ?? ''}" is not a port such as 5432/TCP, 53/UDP or 8000-8100/TCP`, item);
      continue;
    }
    set = set.union(PortSet.range(protocol, lo, hi));
  }
  return set;
}
