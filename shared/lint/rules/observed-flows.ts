/**
 * flow-would-drop: the policies deny connections that observed traffic shows (flow files loaded with the
 * workspace: `netpolScope.flows`, "Load Observed Flows…"). The finding sits where the denial is decided:
 * on the Deny rule that matches, or on each policy that isolates the side with no rule that allows the
 * port (so an edit that removes a rule shows the flows it would drop on the policy being edited).
 *
 * Connections whose records all say the cluster already dropped them are left out: enforcing these
 * policies changes nothing for them.
 *
 * flow-flagged: the flags of the dry run (verify.ts `flagsOf`, the kinds of `netpolScope.flowFlags`), each on
 * the destination workload of the connection.
 */
import type { Finding } from '../../findings.js';
import type { Origin } from '../../model/types.js';
import { observedTraffic } from '../../flows/observed.js';
import type { DeniedConnection } from '../../flows/verify.js';
import type { LintRule } from '../rule.js';
import { finding } from './support.js';

/** How many connections a finding names before "and N more". */
const LISTED = 3;

function connectionText(c: DeniedConnection): string {
  return `${c.from} → ${c.to} on ${c.protocol} ${c.port} (${c.count.toLocaleString('en-US')} flow${c.count === 1 ? '' : 's'})`;
}

export const observedFlowsRule: LintRule = {
  ids: ['flow-would-drop', 'flow-flagged'],
  check(ctx) {
    const dryRun = observedTraffic(ctx);
    if (!dryRun) return [];
    // Flags on the destination workload (where a reader of the manifests meets it), one per flag.
    const flagged: Finding[] = [];
    for (const f of dryRun.flags()) {
      const edge = dryRun.edge(f.from, f.to, f.protocol, f.port);
      const workload = edge?.toNode.workloads[0] ?? edge?.fromNode.workloads[0];
      if (!workload) continue;
      flagged.push(
        finding(
          'flow-flagged',
          workload.anchor,
          `Observed traffic flagged (${f.kind}): ${f.from} → ${f.to} on ${f.protocol} ${f.port} (${f.count.toLocaleString('en-US')} flow${f.count === 1 ? '' : 's'}): ${f.reason}.`,
          { kind: f.kind, from: f.from, to: f.to, port: f.port, protocol: f.protocol, count: f.count },
        ),
      );
    }
    // Per place: the connections it denies (once each, with every reason it takes part in: a default
    // deny that isolates both ends denies on both sides).
    const at = new Map<string, { origin: Origin; denied: Map<DeniedConnection, string[]> }>();
    for (const c of dryRun.denied()) {
      if (c.verdicts.size === 1 && c.verdicts.has('denied')) continue;
      for (const cause of c.causes)
        for (const origin of cause.at) {
          const key = `${origin.file.path}\u0000${origin.span.start}\u0000${origin.span.end}`;
          let entry = at.get(key);
          if (!entry) at.set(key, (entry = { origin, denied: new Map() }));
          const whys = entry.denied.get(c);
          if (whys) whys.push(cause.reason);
          else entry.denied.set(c, [cause.reason]);
        }
    }
    const out: Finding[] = flagged;
    for (const { origin, denied } of at.values()) {
      const connections = [...denied].map(([c, whys]) => ({ c, why: whys.join('; ') }));
      connections.sort((a, b) => b.c.count - a.c.count);
      const flows = connections.reduce((n, x) => n + x.c.count, 0);
      const [first] = connections;
      if (!first) continue;
      const message =
        connections.length === 1
          ? `Would drop ${flows.toLocaleString('en-US')} observed flow${flows === 1 ? '' : 's'} from ${first.c.from} to ${first.c.to} on ${first.c.protocol} ${first.c.port}: ${first.why}.`
          : `Would drop ${flows.toLocaleString('en-US')} observed flows in ${connections.length} connections: ` +
            connections
              .slice(0, LISTED)
              .map((x) => connectionText(x.c))
              .join(', ') +
            (connections.length > LISTED ? `, and ${connections.length - LISTED} more` : '') +
            `. ${first.why}.`;
      out.push(
        finding('flow-would-drop', origin, message, {
          connections: connections.map(({ c }) => ({
            from: c.from,
            to: c.to,
            port: c.port,
            protocol: c.protocol,
            count: c.count,
          })),
        }),
      );
    }
    return out;
  },
};
