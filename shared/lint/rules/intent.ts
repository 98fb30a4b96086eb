/**
 * What a policy says about itself: its name, its file's name and the comments written on and directly
 * above it. Real repositories state intent there ("allow-all-egress", "# Allow from any namespace (API
 * server)"), and a reviewer reads it before judging a rule; the lint rules read it the same way, to tell
 * a deliberate opening (info) from a probable mistake (warning). Only a few plain patterns are read, and
 * each rule documents which one lowers or raises its severity (docs/rules.md, "Severity policy").
 */
import type { NetworkPolicy } from '../../model/types.js';
import type { Span } from '../../source/source-file.js';
import { lineStartOf } from '../../source/source-file.js';

export interface StatedIntent {
  /** `metadata.name`, lowercased, `_`/`.`/space read as `-`. */
  readonly name: string;
  /** `metadata.name` and the file's base name, read the same way. */
  readonly names: string;
  /** The comments on and directly above the object (across a `---`), lowercased. */
  readonly comments: string;
}

const cache = new WeakMap<NetworkPolicy, StatedIntent>();

export function statedIntent(policy: NetworkPolicy): StatedIntent {
  let intent = cache.get(policy);
  if (!intent) {
    const file = policy.origin.file;
    const base = file.path.split(/[\\/]/).pop() ?? '';
    const name = policy.name.toLowerCase().replace(/[_. ]/g, '-');
    const names = `${name} ${base
      .replace(/\.(ya?ml|json)$/i, '')
      .toLowerCase()
      .replace(/[_. ]/g, '-')}`;
    intent = { name, names, comments: commentsAround(file.text, policy.origin.span).toLowerCase() };
    cache.set(policy, intent);
  }
  return intent;
}

/** The `#` comments of the object's lines and of the comment block directly above it. */
export function commentsAround(text: string, span: Span): string {
  const out: string[] = [];
  // Above: comment lines, blank lines and document separators, up to the first other line.
  let lineStart = lineStartOf(text, span.start);
  while (lineStart > 0) {
    const previousStart = lineStartOf(text, lineStart - 1);
    const line = text.slice(previousStart, lineStart).trim();
    if (line.startsWith('#')) out.push(line.slice(1));
    else if (line !== '' && line !== '---' && !line.startsWith('--- ')) break;
    lineStart = previousStart;
  }
  out.push(...commentsIn(text.slice(span.start, span.end)));
  return out.join('\n');
}

/** The comments of a YAML text: `#` at a line start or after a space, outside quotes (approximately). */
function commentsIn(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const match = /(?:^|\s)#(.*)$/.exec(line.replace(/"[^"]*"|'[^']*'/g, '""'));
    if (match) out.push(match[1]!);
  }
  return out;
}

/**
 * The policy's own name speaks against opening it to everyone: it says the policy denies, blocks,
 * isolates or restricts (and not also that it allows all), or calls it a backdoor.
 */
export function namedAgainstOpening(intent: StatedIntent): boolean {
  if (allowAll.test(intent.name)) return false;
  return /(^|-)(deny|block|isolat\w*|restrict\w*|lockdown|backdoor)(-|$)/.test(intent.name);
}

const allowAll =
  /(^|-)allow-(all|any|everything|egress|ingress|external|internet)|(^|-)(egress|ingress)-all(-|$|\s)|all-traffic|unrestricted/;

/** The name says the policy is about all namespaces, or about traffic inside the cluster only. */
export function namedAsAllNamespaces(intent: StatedIntent): boolean {
  return /all-(ns|namespaces?)|any-namespace|every-namespace|other-namespaces|cluster-wide|in-cluster|internal-only|deny-external/.test(
    intent.names,
  );
}

/**
 * The policy or its comments say its callers are the API server (admission webhooks, API services):
 * "admission", "api server", "apiserver". A "webhook" alone may be a receiver of outside webhooks.
 */
export function calledByApiServer(intent: StatedIntent): boolean {
  const pattern = /admission|api[- ]?server/;
  return pattern.test(intent.names) || pattern.test(intent.comments);
}
