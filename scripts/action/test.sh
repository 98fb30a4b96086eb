#!/usr/bin/env bash
# test: the assertions, when the repository has them: JUnit XML (netpol-scope-junit.xml) and the log.
set -uo pipefail
source "$GITHUB_ACTION_PATH/scripts/action/common.sh"
file="${INPUT_ASSERTIONS:-}"
if [ -z "$file" ]; then
  for candidate in "${paths[0]}/netpol-scope.assertions.yaml" "${paths[0]}/netpol-scope.assertions.yml" netpol-scope.assertions.yaml; do
    if [ -f "$candidate" ]; then file="$candidate"; break; fi
  done
fi
if [ -z "$file" ]; then
  echo "No assertions file: nothing to test."
  output status 0
  output failed 0
  exit 0
fi
"${cli[@]}" test "${paths[@]}" --assertions "$file" --cni "${INPUT_CNI:-unknown}" --format junit > netpol-scope-junit.xml
"${cli[@]}" test "${paths[@]}" --assertions "$file" --cni "${INPUT_CNI:-unknown}" | tee netpol-scope-test.txt
status=${PIPESTATUS[0]}
output status "$status"
output failed "$(grep -c '^✗' netpol-scope-test.txt)"
{ echo '### netpol-scope test'; echo; echo '```'; cat netpol-scope-test.txt; echo '```'; } | summary
exit 0
