/**
 * Findings on a file that several kustomize overlays use (a base): the file's objects are analysed once
 * per overlay, so the same finding can arise once for each. It is reported once, saying for which
 * overlays it holds (shared/model/kustomize.ts).
 */
import type { Finding } from '../findings.js';
import type { KustomizeView } from '../model/kustomize.js';

export function mergeOverlayFindings(findings: readonly Finding[], kustomize: KustomizeView): Finding[] {
  if (kustomize.kustomizations.length === 0) return [...findings];
  const groups = new Map<string, Finding[]>();
  const out: Finding[] = [];
  for (const finding of findings) {
    const overlays = kustomize.placementsOf(finding.file.path);
    if (overlays.length <= 1) {
      out.push(finding);
      continue;
    }
    const key = `${finding.rule}\u0000${finding.file.path}\u0000${finding.span.start}\u0000${finding.span.end}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else {
      groups.set(key, [finding]);
      out.push(finding);
    }
  }
  return out.map((finding) => {
    const overlays = kustomize.placementsOf(finding.file.path);
    if (overlays.length <= 1) return finding;
    const key = `${finding.rule}\u0000${finding.file.path}\u0000${finding.span.start}\u0000${finding.span.end}`;
    const count = groups.get(key)?.length ?? 1;
    const roots = [...new Set(overlays.map((p) => p.root || '.'))].sort();
    const which =
      count >= overlays.length
        ? `every overlay that uses this file (${roots.join(', ')})`
        : `${count} of the ${overlays.length} overlays that use this file (${roots.join(', ')})`;
    return { ...finding, message: `${finding.message} [kustomize: holds in ${which}.]` };
  });
}
