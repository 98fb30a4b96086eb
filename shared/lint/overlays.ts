/**
 * Findings on a file that several kustomize overlays use (a base): the file's objects are analysed once
 * per overlay, so the same finding can arise once for each. It is reported once, saying for which
 * overlays it holds (shared/model/kustomize.ts).
 */
import type { Finding } from '../findings.js';
import type { KustomizeView, Placement } from '../model/kustomize.js';

export function mergeOverlayFindings(findings: readonly Finding[], kustomize: KustomizeView): Finding[] {
  if (kustomize.kustomizations.length === 0) return [...findings];
  /** A finding of a file that several overlays use, and how many of them reported it. */
  interface Merged {
    readonly finding: Finding;
    readonly overlays: readonly Placement[];
    count: number;
  }
  const merged = new Map<string, Merged>();
  const out: Array<Finding | Merged> = [];
  for (const finding of findings) {
    const overlays = kustomize.placementsOf(finding.file.path);
    if (overlays.length <= 1) {
      out.push(finding);
      continue;
    }
    const key = `${finding.rule}\u0000${finding.file.path}\u0000${finding.span.start}\u0000${finding.span.end}`;
    const seen = merged.get(key);
    if (seen) seen.count++;
    else {
      const entry: Merged = { finding, overlays, count: 1 };
      merged.set(key, entry);
      out.push(entry);
    }
  }
  return out.map((entry) => {
    if (!('overlays' in entry)) return entry;
    const { finding, overlays, count } = entry;
    const roots = [...new Set(overlays.map((p) => p.root || '.'))].sort();
    const which =
      count >= overlays.length
        ? `every overlay that uses this file (${roots.join(', ')})`
        : `${count} of the ${overlays.length} overlays that use this file (${roots.join(', ')})`;
    return { ...finding, message: `${finding.message} [kustomize: holds in ${which}.]` };
  });
}
