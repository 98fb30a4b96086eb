/**
 * Expert expectations on real repositories (../shared/peer-suites/realworld, issue 9): every `require`,
 * `forbid` and `clean` entry must be met, capability entries included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRealworld, describeMiss } from '../support/realworld.js';
import { peerSuitesAbsentMessage, peerSuitesPresent } from '../support/peer-suites.js';

test(
  'realworld: every expectation is met',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  (t) => {
    const results = checkRealworld();
    const met = results.filter((r) => r.met).length;
    const capability = results.filter((r) => r.capability);
    t.diagnostic(
      `realworld: ${results.length} expectations, ${met} met` +
        ` (of them ${capability.length} capability entries, ${capability.filter((r) => r.met).length} met)`,
    );
    assert.deepEqual(results.filter((r) => !r.met).map(describeMiss), []);
  },
);
