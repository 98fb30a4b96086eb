#!/usr/bin/env bash
# Builds the CLI bundle from the action's own checkout (dist/ is not committed); nothing to do when it
# is there already. Dependencies install without their scripts: esbuild's binary comes with its
# platform package.
set -euo pipefail
cd "$GITHUB_ACTION_PATH"
if [ ! -f dist/cli.js ]; then
  npm ci --ignore-scripts --no-audit --no-fund
  node esbuild.mjs --production
fi
node dist/cli.js --version
