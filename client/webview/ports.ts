/**
 * Port text and port queries for the view. The text matches the core's `PortSet.toString()`
 * (`all ports`, `TCP all`, `TCP 80,443; UDP 53`), so the view, the CLI and explanations read alike.
 */
import type { PortRangeJson, ReachEdgeJson } from '../../shared/protocol.js';
import type { PortQuery } from '../../shared/webview-messages.js';

const protocols = ['TCP', 'UDP', 'SCTP'] as const;
type Protocol = (typeof protocols)[number];

/** The allowed ports of an edge (or none) as text. */
export function portsText(edge: Pick<ReachEdgeJson, 'all' | 'ports'> | undefined): string {
  if (!edge || (!edge.all && edge.ports.length === 0)) return 'no ports';
  if (edge.all) return 'all ports';
  const full = (protocol: Protocol) =>
    edge.ports.some((r) => r.protocol === protocol && r.port <= 1 && r.endPort >= 65535);
  if (protocols.every(full)) return 'all ports';
  const parts: string[] = [];
  for (const protocol of protocols) {
    const ranges = edge.ports.filter((r) => r.protocol === protocol);
    if (ranges.length === 0) continue;
    if (ranges.length === 1 && ranges[0]!.port <= 1 && ranges[0]!.endPort >= 65535) {
      parts.push(`${protocol} all`);
      continue;
    }
    const items = ranges.map((r) => (r.port === r.endPort ? `${r.port}` : `${r.port}-${r.endPort}`));
    parts.push(`${protocol} ${items.join(',')}`);
  }
  return parts.join('; ');
}

/** Whether an edge allows a queried port. */
export function allowsPort(edge: ReachEdgeJson | undefined, query: PortQuery): boolean {
  if (!edge) return false;
  if (edge.all) return true;
  return edge.ports.some(
    (r: PortRangeJson) => r.protocol === query.protocol && r.port <= query.port && query.port <= r.endPort,
  );
}

export function queryText(query: PortQuery): string {
  return `${query.protocol} ${query.port}`;
}

/**
 * Parses a port query as typed in the filter: `5432`, `5432/TCP`, `TCP 5432`, `udp:53`. The protocol
 * defaults to TCP (as in a NetworkPolicy). Empty text is no query; anything else unparseable is invalid.
 */
export function parsePortQuery(value: string): PortQuery | 'none' | 'invalid' {
  const textValue = value.trim();
  if (textValue === '') return 'none';
  const match = /^(?:(tcp|udp|sctp)\s*[\s/:]\s*)?(\d{1,5})(?:\s*[\s/:]\s*(tcp|udp|sctp))?$/i.exec(textValue);
  if (!match) return 'invalid';
  const [, before, digits, after] = match;
  if (before && after) return 'invalid';
  const port = Number(digits);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return 'invalid';
  const protocol = (before ?? after ?? 'TCP').toUpperCase() as Protocol;
  return { protocol, port };
}
