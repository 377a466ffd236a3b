#!/usr/bin/env bash
# The README's install as a .NET tool, from a clean folder: a fresh clone of this repository,
# 'dotnet pack' there (this machine's platform only, to save time: the README's plain 'dotnet pack'
# makes the linux-x64, osx-arm64 and win-x64 packages), 'dotnet tool install --global --add-source
# ./nupkg hwsim' into a private tool home, then, from an empty folder, 'hwsim' from PATH runs a
# simulation (SCALE-Sim's AlexNet on its scale.cfg: its published Total Cycles) and a small
# quantisation (libtorch loads from the tool's own files). Also checks that the libraries were
# packed with their XML documentation. Ends with "dotnet-tool: passed" or "dotnet-tool: FAILED (...)".
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/hwsim-tool.XXXXXX)
trap 'cd /; rm -rf "$work"' EXIT

log() { echo "dotnet-tool: $*"; }
fail() { log "FAILED ($*)"; exit 1; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  *) fail "no hwsim tool package for $(uname -s)-$(uname -m) (libtorch ships for linux-x64, osx-arm64, win-x64)" ;;
esac

if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
  git clone -q "$repo" "$work/src" || fail "git clone failed"
else
  mkdir "$work/src" && (cd "$repo" && tar --exclude=bin --exclude=obj --exclude=nupkg -cf - .) | (cd "$work/src" && tar -xf -)
fi
cd "$work/src"
log "packing a clean copy ($(git log -1 --format=%h 2>/dev/null || echo 'not a git checkout'))"
dotnet pack -c Release -p:ToolPackageRuntimeIdentifiers=$rid -nologo -v q >"$work/pack.log" 2>&1 || { tail -n 30 "$work/pack.log"; fail "dotnet pack failed"; }
ls nupkg/hwsim.*.nupkg >/dev/null 2>&1 || fail "no hwsim package in nupkg/"
for lib in Workloads Simulator CostModel Quantizer; do
  pkg=$(ls nupkg/HwSim.$lib.*.nupkg 2>/dev/null | head -n 1)
  [ -n "$pkg" ] || fail "HwSim.$lib was not packed"
  # The listing is read whole first: under pipefail, 'unzip -l | grep -q' fails whenever grep stops reading early
  # and unzip dies of SIGPIPE, which is what this check used to report as a missing XML file.
  listing=$(unzip -l "$pkg") || fail "cannot list $pkg"
  grep -q "lib/net10.0/HwSim.$lib.xml" <<<"$listing" || fail "$pkg has no XML documentation"
done
log "packed: $(cd nupkg && ls | tr '\n' ' ')"

export DOTNET_CLI_HOME="$work/home"   # the global tool goes to $work/home/.dotnet/tools, not the user's
dotnet tool install --global --add-source ./nupkg hwsim >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dotnet tool install failed"; }
export PATH="$PATH:$DOTNET_CLI_HOME/.dotnet/tools"
log "$(tail -n 1 "$work/install.log")"

mkdir "$work/elsewhere" && cd "$work/elsewhere"
[ "$(command -v hwsim)" = "$DOTNET_CLI_HOME/.dotnet/tools/hwsim" ] || fail "hwsim on PATH is $(command -v hwsim)"
cycles=$(hwsim simulate "$repo/docs/reference/scalesim/alexnet.csv" --arch "$repo/docs/reference/scalesim/scale-cfg.yaml" \
  --wbits 8 --abits 8 --first-last same -f csv -q | awk -F, 'NR > 1 { printf "%s ", $6 }') || fail "hwsim simulate failed"
[ "$cycles" = "121124 334831 113567 168863 112575 " ] || fail "hwsim simulate gave cycles '$cycles'"
log "hwsim simulate (SCALE-Sim AlexNet, scale.cfg): cycles $cycles"
hwsim quantize resnet18 --input-size 32 --calib-synthetic 1 --batch-size 1 -q -f csv -o w.csv >/dev/null || fail "hwsim quantize failed"
[ "$(grep -c '^layer' w.csv)" -eq 19 ] || fail "hwsim quantize wrote $(grep -c '^layer' w.csv) inner layers, expected 19"
log "hwsim quantize resnet18 (libtorch from the tool package): 19 inner layers quantised"
dotnet tool uninstall --global hwsim >/dev/null 2>&1 || fail "dotnet tool uninstall failed"
log "passed"
