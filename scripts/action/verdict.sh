#!/usr/bin/env bash
# The job's status, once every report is written: check, diff and test each fail it on their own terms.
set -uo pipefail
failed=()
[ "${CHECK_STATUS:-0}" != "0" ] && failed+=("check found problems at or above fail-on")
[ "${DIFF_STATUS:-0}" != "0" ] && failed+=("the pull request changes reachability beyond diff-fail-on")
[ "${TEST_STATUS:-0}" != "0" ] && failed+=("assertions fail")
if [ ${#failed[@]} -gt 0 ]; then
  for reason in "${failed[@]}"; do echo "::error::netpol-scope: $reason"; done
  exit 1
fi
echo "netpol-scope: all checks passed."
