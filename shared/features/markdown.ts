/**
 * Markdown for hovers and completion documentation. Everything that comes from a manifest (names, label
 * keys and values, file paths, CIDRs) goes through {@link md}: label values are user input and may hold
 * markdown or HTML (`<img src=x onerror=...>`, `[x](javascript:...)`), which must render as text.
 */
import type { Workload } from '../model/types.js';
import { qualifiedName } from '../model/types.js';
import type { Origin } from '../model/types.js';

// eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;

/**
 * Escapes text for markdown: every ASCII punctuation character that CommonMark or GitHub-flavoured
 * markdown may read as syntax is backslash-escaped (CommonMark: "Any ASCII punctuation character may be
 * backslash-escaped"). That defeats HTML (`\<img>`), links and images (`\[`), emphasis, code, tables,
 * entities (`\&`), math (`\$`) and autolinks (`http\:`, `www\.`, `a\@b`). Only `/ , ; ' " % ?`, which no
 * construct starts with, are left as they are. Line breaks and other control characters become spaces,
 * so a value cannot start a new block.
 */
export function md(text: string): string {
  return text.replace(CONTROL, ' ').replace(/[!#$&()*+\-.:<=>@[\\\]^_`{|}~]/g, (c) => `\\${c}`);
}

/** `n thing` / `n things`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : pluralForm}`;
}

/** `file:line` of an origin, escaped. */
export function whereMd(origin: Origin): string {
  return md(origin.file.where(origin.span.start));
}

/** `Deployment **ns/name** (file:line)`. */
export function workloadMd(w: Workload): string {
  return `${w.kind} **${md(qualifiedName(w))}** (${whereMd(w.anchor)})`;
}

/** The lines of a bounded markdown list: the first `limit` items, then "and N more". */
export function boundedList(items: readonly string[], limit = 15): string[] {
  const lines = items.slice(0, limit).map((item) => `- ${item}`);
  if (items.length > limit) lines.push(`- … and ${(items.length - limit).toLocaleString('en-US')} more`);
  return lines;
}

/** Joins blocks (paragraphs or lists given as lines) with blank lines between them. */
export function blocks(...parts: Array<string | readonly string[] | undefined | false>): string {
  return parts
    .filter((p): p is string | readonly string[] => p !== undefined && p !== false && p.length > 0)
    .map((p) => (typeof p === 'string' ? p : p.join('\n')))
    .join('\n\n');
}
