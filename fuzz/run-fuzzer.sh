#!/usr/bin/env bash
# fuzz/run-fuzzer.sh: runs one libFuzzer target for a fixed time; each target
# is a meson test of the `fuzz` suite (fuzz/meson.build), which
# `build-aux/dev fuzz [SECONDS]` runs.
#
#   run-fuzzer.sh EXE --name=NAME --max-len=N --artifacts=DIR
#                 --suppressions=FILE [--dict=FILE] SEED...
#
# SEED is a directory of seed files, or DIR|LINE to put LINE and a newline
# before each file's bytes.  The corpus is a temporary directory filled from
# the seeds and deleted afterwards: generated inputs never land in the source
# tree.  Reproducers go to DIR (crash-*, leak-*, timeout-*, oom-*), the
# libFuzzer log to DIR/NAME.log.
#
# Environment: FUZZ_SECONDS (default 60); FUZZ_ARGS, more libFuzzer options
# (e.g. -detect_leaks=0 to look past a known leak).
#
# Exit 0 when the target ran the whole time and found nothing; 1 otherwise,
# naming the reproducer and how to replay it.
set -uo pipefail

exe=$1
shift
name=$(basename "$exe")
max_len=4096
artifacts=
suppressions=
dict=
seeds=()
for arg in "$@"; do
  case "$arg" in
    --name=*) name=${arg#--name=} ;;
    --max-len=*) max_len=${arg#--max-len=} ;;
    --artifacts=*) artifacts=${arg#--artifacts=} ;;
    --suppressions=*) suppressions=${arg#--suppressions=} ;;
    --dict=*) dict=${arg#--dict=} ;;
    -*) echo "run-fuzzer.sh: unknown option $arg" >&2; exit 2 ;;
    *) seeds+=("$arg") ;;
  esac
done
seconds=${FUZZ_SECONDS:-60}
[ -n "$artifacts" ] || { echo "run-fuzzer.sh: --artifacts is required" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/botbench-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
corpus="$work/corpus"
mkdir -p "$corpus" "$work/home" "$artifacts"

n_seeds=0
for seed in "${seeds[@]}"; do
  dir=${seed%%|*}
  line=
  [[ "$seed" == *'|'* ]] && line=${seed#*|}
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    n_seeds=$((n_seeds + 1))
    if [ -n "$line" ]; then
      { printf '%s\n' "$line"; cat "$f"; } > "$corpus/seed-$n_seeds"
    else
      cp "$f" "$corpus/seed-$n_seeds"
    fi
  done
done

# Any sanitizer report is a finding; criticals are programming errors an
# input reached (GLib raises SIGTRAP for them, which ASan turns into a
# report).  Leak stacks must go through GLib, which has no frame pointers:
# slow unwinding.  Nothing is read from or written to the user's own dirs.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0:handle_sigtrap=1:fast_unwind_on_malloc=0:malloc_context_size=16:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$suppressions:print_suppressions=0:${LSAN_OPTIONS:-}"
export G_SLICE=always-malloc G_DEBUG=gc-friendly,fatal-criticals
export GSETTINGS_BACKEND=memory GIO_USE_VFS=local NO_AT_BRIDGE=1
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data"
export XDG_CACHE_HOME="$work/home/cache" XDG_RUNTIME_DIR="$work/home"
chmod 700 "$work/home"

start="$work/start"
touch "$start"
log="$artifacts/$name.log"
opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048
      -max_len="$max_len" -detect_leaks=1 -print_final_stats=1
      -artifact_prefix="$artifacts/")
[ -n "$dict" ] && opts+=(-dict="$dict")
# shellcheck disable=SC2206
[ -n "${FUZZ_ARGS:-}" ] && opts+=(${FUZZ_ARGS})

# libFuzzer stops by itself after max_total_time (and aborts an input after
# -timeout); the outer limit only catches a process that no longer reacts.
timeout --kill-after=20 $((seconds * 2 + 120)) \
  "$exe" "${opts[@]}" "$corpus" > "$log" 2>&1
rc=$?

findings=()
while IFS= read -r f; do
  findings+=("$f")
done < <(find "$artifacts" -maxdepth 1 -type f \
           \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
           -newer "$start" | sort)

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
if [ $rc -eq 0 ] && [ ${#findings[@]} -eq 0 ]; then
  echo "$name: ${runs:-?} runs in ${seconds} s from $n_seeds seeds, ${cov:-cov: ?}, nothing found"
  exit 0
fi

# The report (stack, sanitizer summary, artifact line) is at the end of the log.
tail -n 120 "$log"
echo
case $rc in
  124|137) echo "$name: did not stop within $((seconds * 2 + 120)) s and was killed (wedged?)" ;;
esac
if [ ${#findings[@]} -eq 0 ]; then
  echo "$name: FAILED (exit status $rc) without a reproducer; log: $log"
fi
for f in "${findings[@]}"; do
  kind=$(basename "$f")
  kind=${kind%%-*}
  echo "$name: $kind: $f"
  echo "$name:   replay: G_SLICE=always-malloc G_DEBUG=gc-friendly,fatal-criticals $exe $f"
done
exit 1
