#!/usr/bin/env bash
# Prints the Rust, UI and end-to-end test counts from the logs `make test` wrote.
set -euo pipefail
logs=${1:?usage: test-summary.sh LOG_DIR}

rust_counts() { # sums "test result: ok. N passed; M failed" lines
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { printf "%d %d\n", p, f }' "$1"
}
read -r rust_passed rust_failed < <(rust_counts "$logs/rust.log")
read -r e2e_passed e2e_failed < <(rust_counts "$logs/e2e.log")
ui_passed=$(sed -E 's/\x1b\[[0-9;]*m//g' "$logs/ui.log" | awk '/^ *Tests +[0-9]+ passed/ { print $2 }' | tail -1)
ui_failed=$(sed -E 's/\x1b\[[0-9;]*m//g' "$logs/ui.log" | awk '/^ *Tests .*failed/ { for (i=1;i<=NF;i++) if ($(i+1) ~ /^failed/) print $i }' | tail -1)
ui_passed=${ui_passed:-0}; ui_failed=${ui_failed:-0}

echo
echo "Test counts"
printf '  Rust:        %5d passed, %d failed\n' "$rust_passed" "$rust_failed"
printf '  UI (Vitest): %5d passed, %d failed\n' "$ui_passed" "$ui_failed"
printf '  End-to-end:  %5d passed, %d failed\n' "$e2e_passed" "$e2e_failed"
total_passed=$((rust_passed + ui_passed + e2e_passed))
total_failed=$((rust_failed + ui_failed + e2e_failed))
echo "Total: $total_passed passed, $total_failed failed"
if [ -s "$logs/fuzz.log" ]; then
  sed -n '/^Fuzzing/,$p' "$logs/fuzz.log"
fi
if [ -s "$logs/skipped.txt" ]; then
  echo "Skipped by HOSO_SKIP_INTEROP=1 (these did not run):"
  sed 's/^/  /' "$logs/skipped.txt"
fi
if [ "$e2e_passed" -eq 0 ] || [ "$ui_passed" -eq 0 ] || [ "$rust_passed" -eq 0 ]; then
  echo "error: a suite ran no test" >&2; exit 1
fi
[ "$total_failed" -eq 0 ]
