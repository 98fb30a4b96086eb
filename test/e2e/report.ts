/** Results and timings of the end-to-end run, printed as it goes and summed up at the end. */

export interface Outcome {
  readonly group: string;
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

export class Report {
  readonly outcomes: Outcome[] = [];
  readonly skipped: Array<{ group: string; name: string }> = [];
  readonly timings: Array<{ phase: string; ms: number }> = [];

  record(outcome: Outcome): void {
    this.outcomes.push(outcome);
    const mark = outcome.ok ? 'ok  ' : 'FAIL';
    console.log(`  ${mark} ${outcome.group}: ${outcome.name} (${outcome.ms} ms)`);
    if (outcome.error) console.log(indent(outcome.error, '       '));
  }

  skip(group: string, name: string): void {
    this.skipped.push({ group, name });
    console.log(`  skip ${group}: ${name}`);
  }

  /** Runs one named check; a thrown error is its failure. Never retried. */
  async check(group: string, name: string, body: () => Promise<void>): Promise<boolean> {
    const started = Date.now();
    try {
      await body();
      this.record({ group, name, ok: true, ms: Date.now() - started });
      return true;
    } catch (error) {
      this.record({ group, name, ok: false, ms: Date.now() - started, error: errorText(error) });
      return false;
    }
  }

  /** Times a phase; its errors propagate (a phase that fails stops the run). */
  async phase<T>(phase: string, body: () => Promise<T> | T): Promise<T> {
    const started = Date.now();
    console.log(`== ${phase}`);
    try {
      return await body();
    } finally {
      this.timings.push({ phase, ms: Date.now() - started });
    }
  }

  get passed(): number {
    return this.outcomes.filter((o) => o.ok).length;
  }

  get failed(): number {
    return this.outcomes.filter((o) => !o.ok).length;
  }

  summary(): string {
    const lines = ['', 'Timings:'];
    for (const { phase, ms } of this.timings)
      lines.push(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${phase}`);
    const failures = this.outcomes.filter((o) => !o.ok);
    if (failures.length > 0) {
      lines.push('', 'Failures:');
      for (const f of failures) lines.push(`  ${f.group}: ${f.name}`, indent(f.error ?? '', '    '));
    }
    const skipped = this.skipped.length > 0 ? `, ${this.skipped.length} skipped` : '';
    lines.push('', `${this.passed} passed, ${this.failed} failed${skipped}`);
    return lines.join('\n');
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}
