/**
 * docs/rules.md as data: its `## <rule id>` sections and their Bad and Good YAML examples, with the
 * settings of a `<!-- settings: {...} -->` comment before an example and the section's observed flows. Used by the unit test of the
 * document and by the language-server rule tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export const rulesDoc = readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8');

export interface Section {
  readonly id: string;
  readonly body: string;
}

/** The `## ` sections; a section ends at the next heading of level 1 or 2 outside a code block. */
export function sections(doc = rulesDoc): Section[] {
  const out: Array<{ id: string; lines: string[] }> = [];
  let current: { id: string; lines: string[] } | undefined;
  let fenced = false;
  for (const line of doc.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && line.startsWith('## ')) {
      current = { id: line.slice(3).trim(), lines: [] };
      out.push(current);
      continue;
    }
    if (!fenced && line.startsWith('# ')) {
      current = undefined;
      continue;
    }
    current?.lines.push(line);
  }
  return out.map((s) => ({ id: s.id, body: s.lines.join('\n') }));
}

export interface Example {
  readonly yaml: string;
  /** Raw `netpolScope` settings, as a client sends them (`{}` without a settings comment). */
  readonly settings: Record<string, unknown>;
  /** The section's observed flows (a ```csv block after `**Observed flows**`), checked with both examples. */
  readonly flows?: string;
  /** The example's assertions file (a ```yaml block after `*netpol-scope.assertions.yaml*` within the example). */
  readonly assertions?: string;
}

/** The first ```yaml block after a paragraph starting with `**<label>**`. */
export function example(section: Section, label: 'Bad' | 'Good'): Example | undefined {
  const start = section.body.search(new RegExp(`^\\*\\*${label}\\*\\*`, 'm'));
  if (start < 0) return undefined;
  const rest = section.body.slice(start);
  const block = /```yaml\n([\s\S]*?)```/.exec(rest);
  if (!block) return undefined;
  const before = rest.slice(0, block.index);
  if (/^\*\*(Good|Bad)\*\*/m.test(before.slice(2))) return undefined;
  const settings = /<!-- settings: (\{.*\}) -->/.exec(before);
  const flows = /^\*\*Observed flows\*\*[^\n]*\n+```csv\n([\s\S]*?)```/m.exec(section.body);
  const after = rest.slice(block.index + block[0].length);
  const next = after.search(/^\*\*(Good|Bad|Configure)\*\*/m);
  const assertions = /^\*netpol-scope\.assertions\.yaml\*\n+```yaml\n([\s\S]*?)```/m.exec(
    next < 0 ? after : after.slice(0, next),
  );
  return {
    yaml: block[1]!,
    settings: settings ? (JSON.parse(settings[1]!) as Record<string, unknown>) : {},
    ...(flows ? { flows: flows[1]! } : {}),
    ...(assertions ? { assertions: assertions[1]! } : {}),
  };
}
