#!/usr/bin/env bash
# Builds the exit-cost benchmark's guest (exitguest.elf) and C loop (exitloop) into OUT (default vmm-runtime/target/bench).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../target/bench}"
mkdir -p "$out"
cc="${CC:-gcc}"
# The guest: the same freestanding flags as minios (KVM-NOTES.md), no build-id note (it would add a PT_LOAD at 4 MB).
"$cc" -ffreestanding -nostdlib -static -fno-pic -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$here/exitguest.ld" \
  -o "$out/exitguest.elf" "$here/exitguest.S"
"$cc" -O2 -Wall -Wextra -Werror -std=gnu11 -o "$out/exitloop" "$here/exitloop.c"
echo "$out"
