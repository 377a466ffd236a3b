#!/usr/bin/env bash
# Whole-process start-up of the README's SCALE-Sim command (start-up is not a BenchmarkDotNet
# subject: it is the process). Usage: Benchmarks/Startup/startup.sh [HWSIM|native] [RUNS]
#   HWSIM   the hwsim to time (default: the ReadyToRun publish, made here into a temporary folder)
#   native  the native (AOT) publish, made here ('-p:PublishAot=true'; needs clang and lld, a few minutes)
#   RUNS    timed runs after 3 warm-up runs (default 30)
# Prints, for wall time and for CPU time (user + system, less sensitive to a busy machine), the
# median, the quartiles, min and max over the runs. Each run is timed by bash's 'time' (the same
# wait4 figures as /usr/bin/time, in milliseconds: /usr/bin/time rounds to 10 ms, which is about
# a whole run of the native build).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
runs=${2:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hwsim=${1:-}
if [ -z "$hwsim" ]; then
  dotnet publish "$repo/Cli" -c Release -r linux-x64 -o "$tmp/publish" -nologo -v q >/dev/null
  hwsim="$tmp/publish/hwsim"
elif [ "$hwsim" = native ]; then
  dotnet publish "$repo/Cli" -c Release -r linux-x64 -p:PublishAot=true -o "$tmp/publish" -nologo -v q >/dev/null
  hwsim="$tmp/publish/hwsim"
fi
ref="$repo/docs/reference/scalesim"
cmd=("$hwsim" simulate "$ref/alexnet.csv" --arch "$ref/scale-cfg.yaml" --wbits 8 --abits 8 --first-last same)
for _ in 1 2 3; do "${cmd[@]}" >/dev/null; done
TIMEFORMAT='%3R %3U %3S'
for _ in $(seq "$runs"); do
  { time "${cmd[@]}" >/dev/null; } 2>>"$tmp/times"
done
awk -v runs="$runs" '
  function stats(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return sprintf("median %.3f s  (quartiles %.3f .. %.3f, min %.3f, max %.3f)", (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2), a[int((n + 3) / 4)], a[int((3 * n + 3) / 4)], a[1], a[n])
  }
  { n++; wall[n] = $1; cpu[n] = $2 + $3 }
  END { print "runs:", n; print "wall:", stats(wall, n); print "cpu: ", stats(cpu, n) }' "$tmp/times"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
