#!/usr/bin/env bash
# diff: on a pull request, what it does to reachability against its base, as a sticky comment and in the
# job summary. The checkout of a pull_request event is the merge commit: its first parent is the base,
# so the diff is exactly what merging changes. Otherwise the base branch is fetched and the merge base
# taken.
set -uo pipefail
source "$GITHUB_ACTION_PATH/scripts/action/common.sh"
if [ "${GITHUB_EVENT_NAME:-}" != "pull_request" ] && [ "${GITHUB_EVENT_NAME:-}" != "pull_request_target" ]; then
  echo "Not a pull request: no diff."
  output status 0
  exit 0
fi
if git rev-parse -q --verify 'HEAD^2' > /dev/null; then
  base='HEAD^1'
else
  git fetch --no-tags --quiet origin "${GITHUB_BASE_REF:?}" || { echo "::error::cannot fetch the base branch ${GITHUB_BASE_REF}"; output status 2; exit 0; }
  base=$(git merge-base HEAD FETCH_HEAD 2> /dev/null || git rev-parse FETCH_HEAD)
fi
"${cli[@]}" diff --base "$base" "${paths[@]}" --cni "${INPUT_CNI:-unknown}" --format json > netpol-scope-diff.json
status=$?
if [ "$status" -ne 0 ]; then output status "$status"; exit 0; fi
"${cli[@]}" diff --base "$base" "${paths[@]}" --cni "${INPUT_CNI:-unknown}" --format markdown > netpol-scope-diff.md
cat netpol-scope-diff.md
output opens "$(node -p 'require("./netpol-scope-diff.json").summary.opens')"
output closes "$(node -p 'require("./netpol-scope-diff.json").summary.closes')"
summary < netpol-scope-diff.md
if [ "${INPUT_COMMENT:-true}" = "true" ] && [ -n "${PR_NUMBER:-}" ]; then
  node "$GITHUB_ACTION_PATH/scripts/action/sticky-comment.mjs" netpol-scope-diff.md netpol-scope-diff.json || echo "::warning::the pull-request comment could not be posted"
fi
# --fail-on as the CLI decides it: added = opens anything; any = any connection or isolation change.
output status "$(INPUT_DIFF_FAIL_ON="${INPUT_DIFF_FAIL_ON:-never}" node -p '
  const s = require("./netpol-scope-diff.json").summary;
  const on = process.env.INPUT_DIFF_FAIL_ON;
  (on === "added" && s.opens > 0) || (on === "any" && s.added + s.removed + s.changed + s.isolation > 0) ? 1 : 0')"
exit 0
