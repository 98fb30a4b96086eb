/** The line the extension-host suite prints last, read by the runners (no imports: Node reads it too). */
export const RESULT_MARKER = 'netpol-scope-e2e-suite';

export interface SuiteTest {
  readonly title: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

export interface SuiteResult {
  readonly passed: number;
  readonly failed: number;
  readonly tests: readonly SuiteTest[];
}
