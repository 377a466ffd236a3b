#!/usr/bin/env bash
# Whole-process start-up of the README's SCALE-Sim command (start-up is not a BenchmarkDotNet
# subject: it is the process). Usage: Benchmarks/Startup/startup.sh [HWSIM] [RUNS]
#   HWSIM  the hwsim to time (default: a ReadyToRun publish made here into a temporary folder)
#   RUNS   timed runs after 3 warm-up runs (default 30)
# Prints, for wall time and for CPU time (user + system, less sensitive to a busy machine), the
# median, the quartiles, min and max over the runs, measured with /usr/bin/time.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
runs=${2:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hwsim=${1:-}
if [ -z "$hwsim" ]; then
  dotnet publish "$repo/Cli" -c Release -r linux-x64 -o "$tmp/publish" -nologo -v q >/dev/null
  hwsim="$tmp/publish/hwsim"
fi
ref="$repo/docs/reference/scalesim"
cmd=("$hwsim" simulate "$ref/alexnet.csv" --arch "$ref/scale-cfg.yaml" --wbits 8 --abits 8 --first-last same)
for _ in 1 2 3; do "${cmd[@]}" >/dev/null; done
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %U %S" -a -o "$tmp/times" "${cmd[@]}" >/dev/null
done
awk -v runs="$runs" '
  function stats(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return sprintf("median %.3f s  (quartiles %.3f .. %.3f, min %.3f, max %.3f)", (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2), a[int((n + 3) / 4)], a[int((3 * n + 3) / 4)], a[1], a[n])
  }
  { n++; wall[n] = $1; cpu[n] = $2 + $3 }
  END { print "runs:", n; print "wall:", stats(wall, n); print "cpu: ", stats(cpu, n) }' "$tmp/times"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
