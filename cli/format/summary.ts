/**
 * `reach --format summary`: figures only (the whole analysis runs, no pair is printed), and the
 * `--timings` report of where the time went. Both exist for benchmarks and large clusters.
 */
import type { Analysis } from '../../shared/analysis.js';
import type { ReachCounts } from '../../shared/reach/graph.js';

/** Wall-clock time per phase, in the order the phases ran. */
export class PhaseTimer {
  readonly phases: Array<{ readonly name: string; readonly ms: number }> = [];

  time<T>(name: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.phases.push({ name, ms: performance.now() - start });
    }
  }

  async timeAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.phases.push({ name, ms: performance.now() - start });
    }
  }
}

const count = (n: number) => n.toLocaleString('en-US');

export function formatReachSummary(analysis: Analysis, counts: ReachCounts): string {
  const { model } = analysis.workspace;
  const bySeverity = (severity: string) => analysis.findings.filter((f) => f.severity === severity).length;
  const rejected = model.policies.filter((p) => p.rejected).length;
  const rows: Array<[string, string]> = [
    ['files', count(analysis.workspace.files.length)],
    ['objects', count(analysis.workspace.objects.length)],
    ['namespaces', count(model.namespaces.size)],
    ['pods', count(counts.pods)],
    ['policies', `${count(model.policies.length)} (${count(rejected)} rejected)`],
    [
      'findings',
      `${count(bySeverity('error'))} errors, ${count(bySeverity('warning'))} warnings, ${count(bySeverity('info'))} info`,
    ],
    ['pod classes', count(counts.classes)],
    ['external blocks', count(counts.externalBlocks)],
    ['class pairs evaluated', count(counts.classPairs)],
    ['allowed class pairs', count(counts.allowedClassPairs)],
    ['allowed pod pairs', count(counts.allowedPodPairs)],
    ['open pod pairs (all ports)', count(counts.openPodPairs)],
    ['pod -> external allowed', count(counts.podToExternal)],
    ['external -> pod allowed', count(counts.externalToPod)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

/** Phase times, the whole process's time so far and its peak resident memory. */
export function formatTimings(timer: PhaseTimer): string {
  const rows: Array<[string, string]> = timer.phases.map((p) => [p.name, `${p.ms.toFixed(1)} ms`]);
  rows.push(['process (since start)', `${performance.now().toFixed(1)} ms`]);
  // maxRSS is in kilobytes.
  rows.push(['peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return 'timings:\n' + rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}
