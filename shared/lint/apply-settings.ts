/**
 * Applies per-resource settings to findings: a rule set to 'off' is dropped, another severity replaces
 * the default; then inline suppressions (suppress.ts) remove what the user silenced.
 */
import type { Finding } from '../findings.js';
import type { SourceFile } from '../source/source-file.js';
import type { Settings } from '../settings.js';
import { isSuppressed } from './suppress.js';

export function applySettings(
  findings: readonly Finding[],
  settingsFor: (file: SourceFile) => Settings,
): Finding[] {
  const out: Finding[] = [];
  for (const finding of findings) {
    const setting = settingsFor(finding.file).rules[finding.rule];
    if (setting === 'off') continue;
    if (isSuppressed(finding)) continue;
    out.push(
      setting === undefined || setting === finding.severity ? finding : { ...finding, severity: setting },
    );
  }
  return out;
}
