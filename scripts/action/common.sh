# Shared by the action's steps: the CLI, the paths as an array, outputs.
cli=(node "$GITHUB_ACTION_PATH/dist/cli.js")
read -r -a paths <<< "${INPUT_PATHS:-.}"
[ ${#paths[@]} -eq 0 ] && paths=(.)
output() { echo "$1=$2" >> "$GITHUB_OUTPUT"; }
summary() { cat >> "${GITHUB_STEP_SUMMARY:-/dev/null}"; }
