#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (libFuzzer + AddressSanitizer, on the stable
# toolchain through RUSTC_BOOTSTRAP=1), starting from the committed seeds, and prints how many
# inputs each ran. A crash stops the run with the input saved under fuzz/artifacts/<target>/.
# usage: scripts/fuzz.sh SECONDS [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: fuzz.sh SECONDS [TARGET...]}; shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^hoso-fuzz$')
target_dir="${CARGO_TARGET_DIR:-$HOME/.cache/hoso-target}/fuzz"
corpus_root="${CARGO_TARGET_DIR:-$HOME/.cache/hoso-target}/fuzz-corpus"
export RUSTC_BOOTSTRAP=1
cargo fuzz build --fuzz-dir fuzz --target-dir "$target_dir"
summary=()
for t in "${targets[@]}"; do
  mkdir -p "$corpus_root/$t"
  log=$(mktemp)
  if ! cargo fuzz run --fuzz-dir fuzz --target-dir "$target_dir" "$t" "$corpus_root/$t" "fuzz/seeds/$t" \
      -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=1048576 >"$log" 2>&1; then
    tail -60 "$log"; echo "fuzz target $t FAILED: see the input under fuzz/artifacts/$t/" >&2; exit 1
  fi
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$log" | tail -1)
  [ -n "$runs" ] || { tail -30 "$log"; echo "fuzz target $t did not report its runs" >&2; exit 1; }
  summary+=("$(printf '  %-16s %10s inputs in %s s, no crash' "$t" ${runs% *} ${runs#* })")
  rm -f "$log"
done
echo "Fuzzing (${seconds} s per target):"
printf '%s\n' "${summary[@]}"
