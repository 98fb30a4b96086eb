/** What the JSON flow importers share: reading loosely typed JSON values, and one record per JSON line. */
import type { FlowRecord } from './records.js';
import { countSkip } from './records.js';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string; undefined for anything else. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The string entries of an object (labels), or undefined when there are none. */
export function stringEntries(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One line of a JSON-lines file as a record: blank lines give nothing, lines that are not JSON are counted. */
export function jsonLine(
  line: string,
  skipped: Map<string, number>,
  record: (value: unknown, skipped: Map<string, number>) => FlowRecord | undefined,
): FlowRecord | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    countSkip(skipped, 'a line that is not JSON');
    return undefined;
  }
  return record(value, skipped);
}
