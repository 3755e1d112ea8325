#!/usr/bin/env bash
# CI for the VS Code extension: npm ci, build, unit and grammar tests, the .vsix, then the end-to-end test in code-server.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
step() { echo "== vscode-extension: $*" >&2; }
elapsed() { echo "$(( $(date +%s) - $1 )) s"; }

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error
step "build"
npm run -s build
step "unit tests"
npm run -s test:unit
step "grammar tests"
npm run -s test:grammar

# The language-server checks need the server inside the .vsix, so they build the distribution when it is missing.
if [ "${VP_E2E_LSP:-}" = 1 ] && [ ! -f ../cli/target/dist/lib/vp-cli.jar ]; then
  step "building the vp distribution for the bundled server"
  (cd .. && ./bin/mvn -q -DskipTests package)
fi
step "package"
npm run -s package

t=$(date +%s)
step "e2e setup (tools cached under ~/.cache/vp-e2e)"
bash e2e/setup.sh
echo "e2e setup took $(elapsed "$t")" >&2

# The e2e prints its own timings; its last line, `N passed, N failed`, is this script's last line too.
step "e2e run"
exec "${VP_E2E_CACHE:-$HOME/.cache/vp-e2e}/node/bin/node" e2e/run.mjs
