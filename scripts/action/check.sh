#!/usr/bin/env bash
# check: SARIF for code scanning (netpol-scope.sarif), the findings in the log, the status for the verdict.
set -uo pipefail
source "$GITHUB_ACTION_PATH/scripts/action/common.sh"
"${cli[@]}" check "${paths[@]}" --cni "${INPUT_CNI:-unknown}" --format sarif --fail-on never > netpol-scope.sarif
"${cli[@]}" check "${paths[@]}" --cni "${INPUT_CNI:-unknown}" --fail-on "${INPUT_FAIL_ON:-error}" | tee netpol-scope-check.txt
status=${PIPESTATUS[0]}
output status "$status"
output findings "$(node -e 'const s=JSON.parse(require("fs").readFileSync("netpol-scope.sarif","utf8"));console.log(s.runs[0].results.length)')"
{ echo '### netpol-scope check'; echo; echo '```'; tail -n 1 netpol-scope-check.txt; echo '```'; } | summary
exit 0
