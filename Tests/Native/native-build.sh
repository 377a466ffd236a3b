#!/usr/bin/env bash
# The README's native (AOT) build, from a clean folder: a fresh clone of this repository, the JIT build
# ('dotnet build -c Release', what the tests run) and 'dotnet publish Cli -c Release -r linux-x64
# -p:PublishAot=true' there; then Tests/Native/same-output.sh runs the README's SCALE-Sim command (table,
# CSV, JSON) and every other verb, quantize and train included, with both and checks they print and
# write the same bytes. Installs clang and lld (the native linker step needs them) when missing.
# Takes 6 to 9 min on 2 shared cores (the native publish 3 to 5.5 of them). Ends with "native-build: passed" or "native-build: FAILED (...)".
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/hwsim-native.XXXXXX)
trap 'cd /; rm -rf "$work"' EXIT

log() { echo "native-build: $*"; }
fail() { log "FAILED ($*)"; exit 1; }

# The native build is made and tested for this machine's platform only: the AOT compiler package is
# served here for linux-x64 (the tool packages stay ReadyToRun for linux-x64, osx-arm64 and win-x64).
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "the native build is tested on linux-x64 only, this is $(uname -s)-$(uname -m)"

if ! command -v clang >/dev/null 2>&1 || ! command -v ld.lld >/dev/null 2>&1; then
  log "installing clang and lld (the AOT compiler links with them)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang lld; } >"$work/apt.log" 2>&1 \
    || { tail -n 20 "$work/apt.log"; fail "apt-get install clang lld failed"; }
fi

if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
  git clone -q "$repo" "$work/src" || fail "git clone failed"
else
  mkdir "$work/src" && (cd "$repo" && tar --exclude=bin --exclude=obj --exclude=nupkg -cf - .) | (cd "$work/src" && tar -xf -)
fi
cd "$work/src"
log "building a clean copy ($(git log -1 --format=%h 2>/dev/null || echo 'not a git checkout')): JIT, then native"
dotnet build Cli -c Release -nologo -v q >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log"; fail "dotnet build failed"; }
start=$SECONDS
dotnet publish Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/native" -nologo -v q >"$work/publish.log" 2>&1 \
  || { tail -n 30 "$work/publish.log"; fail "native publish failed"; }
log "native publish took $((SECONDS - start)) s; hwsim is $(( $(stat -c %s "$work/native/hwsim") / 1024 / 1024 )) MB"

# Machine code, not a .NET host in front of hwsim.dll.
[ ! -e "$work/native/hwsim.dll" ] || fail "the native publish has a hwsim.dll: not an AOT build"
head -c 4 "$work/native/hwsim" | grep -q ELF || fail "native/hwsim is not an ELF executable"

"$repo/Tests/Native/same-output.sh" "$work/src/Cli/bin/Release/net10.0/hwsim" "$work/native/hwsim" || fail "the native build's output differs from the JIT build's (above)"
log "passed"
