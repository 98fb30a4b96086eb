/**
 * An intent file for observed traffic: which namespaces or tiers may talk to which. Observed connections
 * between two ends the file names, that no `allow` entry permits, are flagged (`intent-violation`);
 * connections with an end the file does not name are not judged.
 *
 * ```yaml
 * tiers:                                  # optional: names for sets of workloads
 *   frontend: {namespace: shop, labels: {tier: web}}
 *   api: {labels: {tier: api}}            # any namespace
 * allow:
 *   - {from: frontend, to: api}           # a tier by name
 *   - {from: api, to: {namespace: data}}  # or a selector: namespace and/or labels
 *   - {from: {namespace: monitoring}, to: "*"}   # "*": anything the file names
 *     ports: [9090/TCP]                   # optional: only these ports
 * ```
 */
import { parse } from 'yaml';
import type { Protocol, Workload } from '../model/types.js';

export interface IntentSelector {
  /** Undefined: any namespace. */
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface IntentRule {
  readonly from: IntentSelector | '*';
  readonly to: IntentSelector | '*';
  /** Undefined: every port. */
  readonly ports?: ReadonlyArray<{ readonly protocol: Protocol; readonly port: number }>;
  /** As written, for reasons: `frontend → api`. */
  readonly text: string;
}

export interface Intent {
  readonly tiers: ReadonlyMap<string, IntentSelector>;
  readonly allow: readonly IntentRule[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function selectorOf(value: unknown, where: string, errors: string[]): IntentSelector | undefined {
  if (!isRecord(value)) {
    errors.push(`${where}: a selector is a map with \`namespace\` and/or \`labels\``);
    return undefined;
  }
  for (const key of Object.keys(value))
    if (key !== 'namespace' && key !== 'labels') errors.push(`${where}: unknown field \`${key}\``);
  const labels: Record<string, string> = {};
  if (value.labels !== undefined) {
    if (!isRecord(value.labels)) errors.push(`${where}.labels: a map of label keys to values`);
    else
      for (const [k, v] of Object.entries(value.labels)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') labels[k] = String(v);
        else errors.push(`${where}.labels.${k}: a string value`);
      }
  }
  if (value.namespace !== undefined && typeof value.namespace !== 'string')
    errors.push(`${where}.namespace: a string`);
  return {
    ...(typeof value.namespace === 'string' ? { namespace: value.namespace } : {}),
    labels,
  };
}

/** Reads an intent file; errors name where they are (`allow[1].from: unknown tier "fronted"`). */
export function parseIntent(text: string): { intent?: Intent; errors: string[] } {
  const errors: string[] = [];
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    return { errors: [`not YAML: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (!isRecord(value)) return { errors: ['an intent file is a map with `allow` (and optional `tiers`)'] };
  for (const key of Object.keys(value))
    if (key !== 'tiers' && key !== 'allow') errors.push(`unknown field \`${key}\` (fields: tiers, allow)`);
  const tiers = new Map<string, IntentSelector>();
  if (value.tiers !== undefined) {
    if (!isRecord(value.tiers)) errors.push('tiers: a map of tier names to selectors');
    else
      for (const [name, selector] of Object.entries(value.tiers)) {
        const s = selectorOf(selector, `tiers.${name}`, errors);
        if (s) tiers.set(name, s);
      }
  }
  const end = (v: unknown, where: string): IntentSelector | '*' | undefined => {
    if (v === '*') return '*';
    if (typeof v === 'string') {
      const tier = tiers.get(v);
      if (!tier)
        errors.push(
          `${where}: unknown tier "${v}"${tiers.size > 0 ? ` (tiers: ${[...tiers.keys()].join(', ')})` : ''}`,
        );
      return tier;
    }
    return selectorOf(v, where, errors);
  };
  const allow: IntentRule[] = [];
  if (!Array.isArray(value.allow)) errors.push('allow: a list of {from, to[, ports]} entries');
  else
    value.allow.forEach((entry: unknown, i) => {
      const where = `allow[${i}]`;
      if (!isRecord(entry)) {
        errors.push(`${where}: an entry is a map with \`from\` and \`to\``);
        return;
      }
      for (const key of Object.keys(entry))
        if (key !== 'from' && key !== 'to' && key !== 'ports')
          errors.push(`${where}: unknown field \`${key}\` (fields: from, to, ports)`);
      const from = end(entry.from, `${where}.from`);
      const to = end(entry.to, `${where}.to`);
      let ports: Array<{ protocol: Protocol; port: number }> | undefined;
      if (entry.ports !== undefined) {
        ports = [];
        if (!Array.isArray(entry.ports)) errors.push(`${where}.ports: a list such as [5432/TCP, 53/UDP]`);
        else
          for (const p of entry.ports as unknown[]) {
            const m = /^(\d{1,5})(?:\/(TCP|UDP|SCTP))?$/i.exec(String(p));
            const port = m ? Number(m[1]) : NaN;
            if (!m || port < 1 || port > 65535)
              errors.push(`${where}.ports: "${String(p)}" is not a port such as 5432/TCP`);
            else ports.push({ protocol: (m[2]?.toUpperCase() ?? 'TCP') as Protocol, port });
          }
      }
      const words = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
      if (from && to)
        allow.push({
          from,
          to,
          ...(ports ? { ports } : {}),
          text: `${words(entry.from)} → ${words(entry.to)}${ports ? ` on ${ports.map((p) => `${p.port}/${p.protocol}`).join(', ')}` : ''}`,
        });
    });
  return errors.length > 0 ? { errors } : { intent: { tiers, allow }, errors };
}

function matches(selector: IntentSelector, w: Workload): boolean {
  return (
    (selector.namespace === undefined || selector.namespace === w.namespace) &&
    Object.entries(selector.labels).every(([k, v]) => w.labels[k] === v)
  );
}

/** Whether the intent file names a workload (some tier or some allow entry's selector matches it). */
function named(intent: Intent, w: Workload): boolean {
  if ([...intent.tiers.values()].some((s) => matches(s, w))) return true;
  return intent.allow.some(
    (r) => (r.from !== '*' && matches(r.from, w)) || (r.to !== '*' && matches(r.to, w)),
  );
}

/**
 * Why an observed connection violates the intent, or undefined when an entry allows it or an end is
 * not named by the file.
 */
export function intentViolation(
  intent: Intent,
  from: Workload,
  to: Workload,
  protocol: Protocol,
  port: number,
): string | undefined {
  if (!named(intent, from) || !named(intent, to)) return undefined;
  const allowed = intent.allow.some(
    (r) =>
      (r.from === '*' || matches(r.from, from)) &&
      (r.to === '*' || matches(r.to, to)) &&
      (!r.ports || r.ports.some((p) => p.protocol === protocol && p.port === port)),
  );
  if (allowed) return undefined;
  const tiersOf = (w: Workload) => [...intent.tiers].filter(([, s]) => matches(s, w)).map(([name]) => name);
  const fromTiers = tiersOf(from);
  const toTiers = tiersOf(to);
  return `the intent file allows no ${fromTiers.length > 0 ? fromTiers.join('/') : from.namespace} → ${toTiers.length > 0 ? toTiers.join('/') : to.namespace} on ${protocol} ${port}`;
}
