#!/usr/bin/env bash
# Runs the same hwsim commands with two builds and checks that they print the same bytes (standard
# output, and files the command writes), the same error lines and exit codes.
# Usage: Tests/Native/same-output.sh REFERENCE_HWSIM OTHER_HWSIM
# Used by Tests/Native/native-build.sh (the JIT build against the native one); reference first.
# Ends with "same-output: N passed, M failed".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
ref_bin=$(realpath "$1") other_bin=$(realpath "$2")
work=$(mktemp -d /tmp/hwsim-same.XXXXXX)
trap 'rm -rf "$work"' EXIT
scale="$repo/docs/reference/scalesim"
passed=0 failed=0
# A tradeoff grid small enough for seconds: two points, one epoch each, on the committed Fashion-MNIST subset.
cat >"$work/grid.yaml" <<'GRID'
network: compact-vgg
seeds: [1]
epochs: 1
qat_epochs: 1
train_count: 100
test_count: 50
batch_size: 50
threads: 1
configs:
  - {method: fp32, widths: [1]}
  - {method: pact, wbits: 2, abits: 2, first_last: [fp32], widths: [1]}
GRID

# One command per line, run from an empty folder each; 'hwsim' stands for the build under test.
# Files the command writes into its folder are compared too (report.md carries the date: left out;
# plots by name only, as their bytes are the renderer's). A line may chain commands with && to compare
# only the part of an output that is not a measured time (train's seconds).
while IFS= read -r line; do
  [ -z "$line" ] && continue
  for side in ref other; do
    bin=$ref_bin; [ $side = other ] && bin=$other_bin
    rm -rf "$work/$side" && mkdir "$work/$side"
    (cd "$work/$side" && eval "${line//hwsim /\"\$bin\" }" >"$work/$side.out" 2>"$work/$side.err"; echo "exit $?" >>"$work/$side.err")
    (cd "$work/$side" && find . -type f ! -name report.md ! -name '*.png' ! -name '*.svg' -print0 | sort -z | xargs -0 -r sha256sum) >"$work/$side.files"
    (cd "$work/$side" && find . -type f \( -name '*.png' -o -name '*.svg' \) | sort) >>"$work/$side.files"
  done
  what=""
  cmp -s "$work/ref.out" "$work/other.out" || what="standard output"
  cmp -s "$work/ref.err" "$work/other.err" || what="$what standard error/exit code"
  cmp -s "$work/ref.files" "$work/other.files" || what="$what files written"
  if [ -z "$what" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "same-output: DIFFERS ($what): $line"
    diff "$work/ref.out" "$work/other.out" | head -n 5
    diff "$work/ref.err" "$work/other.err" | head -n 5
    diff "$work/ref.files" "$work/other.files" | head -n 5
  fi
done <<LIST
hwsim simulate $scale/alexnet.csv --arch $scale/scale-cfg.yaml --wbits 8 --abits 8 --first-last same
hwsim simulate $scale/alexnet.csv --arch $scale/scale-cfg.yaml --wbits 8 --abits 8 --first-last same -f csv
hwsim simulate $scale/alexnet.csv --arch $scale/scale-cfg.yaml --wbits 8 --abits 8 --first-last same -f json
hwsim simulate $repo/examples/cnv-w1a1/cnv-w1a1.csv --arch finn-like -f json
hwsim simulate resnet18 --wbits 4 --abits 2 --show-mapping -q
hwsim energy resnet18 --wbits 4 --abits 2 -f json -q
hwsim energy $scale/alexnet.csv --arch $scale/scale-cfg.yaml --tech 7nm -q
hwsim nest $repo/docs/examples/timeloop/simple_ws.csv --arch $repo/docs/examples/timeloop/simple_ws.nest.yaml --mapping $repo/docs/examples/timeloop/simple_ws.nest-mapping.yaml -f json -q
hwsim compare resnet18 --arch lowbit-default --arch loom-like --wbits 2 --abits 2 -f json -q
hwsim workload resnet18 --wbits 4 --abits 4 -f json
hwsim first-last resnet18 -f json -q
hwsim first-last --all -q
hwsim width resnet18 -f json -q
hwsim datapaths resnet18 -f json -q
hwsim area --arch loom-like -f json
hwsim area -f csv --tech 7nm
hwsim archs -f json
hwsim archs lowbit-default -f json
hwsim archs finn-like
hwsim networks -f json
hwsim networks
hwsim table -f json
hwsim table --what area -f json
hwsim table --what fits -f json
hwsim table --what scaling -f json
hwsim table --what sram --capacity-kb 100 --word-bits 64 -f json
hwsim table
hwsim report resnet18 --wbits 2 --abits 2 -o rep -f json -q
hwsim report resnet18 --wbits 2 --abits 2 -o rep --accuracy $repo/docs/accuracy-study/results.csv -f json -q
hwsim sweep --network resnet18 --bits 2,4 --tech 45nm,7nm -o sweep.csv -q --jobs 1
hwsim sweep --network resnet18 --bits 2,4 -o sweep.csv --plot pareto -q --jobs 1
hwsim quantize resnet18 --input-size 32 --calib-synthetic 1 --batch-size 1 -q -o w.csv --dump-tensors t -f json | grep -v "\"seconds\":"
hwsim quantize resnet18 --input-size 32 --calib-synthetic 1 --batch-size 1 -q -o w.csv --dump-tensors t >/dev/null && hwsim simulate w.csv --reference --tensors t -q -f json
hwsim train --data $repo/data/fashion-mnist-subset --run r --epochs 1 --qat-epochs 1 --method pact --wbits 2 --abits 2 --train-count 200 --test-count 100 --batch-size 50 -q >/dev/null && cut -d, -f1-5 r/metrics.csv && cat r/workload.csv && rm -r r
hwsim tradeoff $work/grid.yaml --out o --data $repo/data/fashion-mnist-subset -f json -q | grep -v seconds && rm -r o
hwsim dataset-subset --data $repo/data/fashion-mnist-subset --per-class 3 --out subset -q
hwsim sweep --network resnet18 --bits 2,4 --shard 0/2 -o a.csv -q --jobs 1 && hwsim sweep --network resnet18 --bits 2,4 --shard 1/2 -o b.csv -q --jobs 1 && hwsim merge a.csv b.csv
hwsim simulate nosuch.csv
hwsim simulate resnet18 --wbits x
hwsim frobnicate
hwsim --help
hwsim simulate --help
hwsim --version
LIST
echo "same-output: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
