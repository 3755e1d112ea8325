#!/usr/bin/env bash
# Builds the exit-cost benchmark (C loop, guest, Java) and runs dev.vp.tests.bench.ExitCost; arguments go to ExitCost.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=bin/find-jdk
source bin/find-jdk
vmm-runtime/bench/build.sh vmm-runtime/target/bench >/dev/null
./bin/mvn -q -DskipTests -pl tests -am package
exec "$VP_JAVA" $VP_MONITOR_JVM_OPTS ${VP_BENCH_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "cli/target/dist/lib/*:tests/target/classes" \
  dev.vp.tests.bench.ExitCost --bench-dir vmm-runtime/target/bench "$@"
