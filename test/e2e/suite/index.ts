/**
 * Entry of the extension-host test suite (bundled with mocha into the development extension as
 * dist/test/suite.js by test/e2e/build-suite.ts). VS Code loads it from `extensionTestsPath` and calls
 * `run()`; the code-server runner (test/e2e/run.ts) and the @vscode/test-electron runner
 * (test/e2e/electron-runner.ts) both use it.
 *
 * The last line it prints is `netpol-scope-e2e-suite {"passed":N,"failed":N,"tests":[...]}`
 * (./result.ts), read by the runners.
 */
import Mocha from 'mocha';
import { registerCommandTests } from './commands.suite.js';
import { registerLanguageTests } from './language.suite.js';
import { registerLanguageModelToolTests } from './lm-tools.suite.js';
import { RESULT_MARKER } from './result.js';
import type { SuiteTest } from './result.js';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // Make mocha's describe/it (imported from 'mocha' by the suites) refer to this run.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'netpol-scope-e2e', mocha);
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_REQUIRE, {}, 'netpol-scope-e2e', mocha);
  registerLanguageTests();
  registerCommandTests();
  registerLanguageModelToolTests();
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_POST_REQUIRE, globalThis, 'netpol-scope-e2e', mocha);

  return new Promise((resolve, reject) => {
    const tests: SuiteTest[] = [];
    const runner = mocha.run((failed) => {
      const passed = tests.filter((t) => t.ok).length;
      console.log(`${RESULT_MARKER} ${JSON.stringify({ passed, failed, tests })}`);
      if (failed > 0) reject(new Error(`${failed} extension-host tests failed`));
      else resolve();
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      tests.push({ title: test.fullTitle(), ok: true, ms: test.duration ?? 0 });
    });
    // Hook failures come here too (with the hook as `test`).
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error: unknown) => {
      tests.push({
        title: test.fullTitle(),
        ok: false,
        ms: test.duration ?? 0,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    });
  });
}
