#!/bin/sh
# Installs the Pixir binary for this machine from a GitHub release.
#
#   curl -fsSL https://github.com/pixir/pixir/releases/latest/download/install.sh | sh
#   sh install.sh --version 0.2.0 --dir /usr/local/bin
#
# Environment (flags win):
#   PIXIR_VERSION           release to install, e.g. 0.2.0 (default: the latest release)
#   PIXIR_INSTALL_DIR       where to put `pixir` (default: ~/.local/bin)
#   PIXIR_RELEASE_BASE_URL  releases URL (default: https://github.com/pixir/pixir/releases); assets
#                           are fetched from <base>/latest/download/<asset> or
#                           <base>/download/v<version>/<asset>
#
# It downloads pixir-<target>.tar.gz and SHA256SUMS, refuses an archive whose SHA-256 does not
# match, and replaces any previous binary atomically. Running it again is harmless.
set -eu

base_url="${PIXIR_RELEASE_BASE_URL:-https://github.com/pixir/pixir/releases}"
version="${PIXIR_VERSION:-latest}"
install_dir="${PIXIR_INSTALL_DIR:-}"

say() { printf 'pixir-install: %s\n' "$*" >&2; }
fail() {
  printf 'pixir-install: error: %s\n' "$1" >&2
  [ $# -lt 2 ] || printf '  %s\n' "$2" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || fail "--version needs a value"; version="$2"; shift 2 ;;
    --dir) [ $# -ge 2 ] || fail "--dir needs a value"; install_dir="$2"; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) fail "unknown argument: $1" "usage: install.sh [--version X.Y.Z] [--dir DIR]" ;;
  esac
done

if [ -z "$install_dir" ]; then
  [ -n "${HOME:-}" ] || fail "HOME is not set" "set PIXIR_INSTALL_DIR or pass --dir"
  install_dir="$HOME/.local/bin"
fi

# --- which binary --------------------------------------------------------------------------
os="$(uname -s)"
arch="$(uname -m)"
case "$arch" in
  x86_64 | amd64) arch="x86_64" ;;
  aarch64 | arm64) arch="aarch64" ;;
  *) fail "no Pixir binary for the $arch architecture" "Pixir ships x86_64 and aarch64 builds" ;;
esac
case "$os" in
  Linux)
    if ldd --version 2>&1 | grep -qi musl; then
      fail "this Linux uses musl libc; Pixir's Linux binaries need glibc" \
        "run the container image instead (see the README's Install section)"
    fi
    target="$arch-unknown-linux-gnu"
    ;;
  Darwin)
    # An x86_64 shell under Rosetta on Apple silicon still gets the native binary.
    if [ "$arch" = "x86_64" ] && [ "$(sysctl -n hw.optional.arm64 2>/dev/null || echo 0)" = "1" ]; then
      arch="aarch64"
    fi
    target="$arch-apple-darwin"
    ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT)
    fail "use the Windows zip instead of this script" \
      "download pixir-x86_64-pc-windows-msvc.zip (ARM: pixir-aarch64-pc-windows-msvc.zip) from $base_url and put pixir.exe on your PATH"
    ;;
  *) fail "no Pixir binary for $os" "Pixir ships Linux, macOS and Windows builds" ;;
esac

asset="pixir-$target.tar.gz"
case "$version" in
  latest) release_url="$base_url/latest/download" ;;
  v*) release_url="$base_url/download/$version" ;;
  *) release_url="$base_url/download/v$version" ;;
esac

# --- tools ---------------------------------------------------------------------------------
if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fsSL --retry 2 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
else
  fail "neither curl nor wget is installed" "install one of them and run this again"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
  fail "neither sha256sum nor shasum is installed" "install coreutils (or perl's shasum)"
fi
command -v tar >/dev/null 2>&1 || fail "tar is not installed"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pixir-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- download and verify --------------------------------------------------------------------
say "downloading $asset ($version) from $release_url"
fetch "$release_url/$asset" "$tmp/$asset" ||
  fail "could not download $release_url/$asset" \
    "check the version ($version) and your network, or set PIXIR_RELEASE_BASE_URL"
fetch "$release_url/SHA256SUMS" "$tmp/SHA256SUMS" ||
  fail "could not download $release_url/SHA256SUMS" "every release publishes one; check the URL"

expected="$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || fail "SHA256SUMS has no entry for $asset"
actual="$(sha256 "$tmp/$asset")"
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $asset: expected $expected, got $actual" \
    "the download is corrupt or was tampered with; nothing was installed"
fi

mkdir -p "$tmp/unpacked"
tar -xzf "$tmp/$asset" -C "$tmp/unpacked" || fail "could not unpack $asset"
[ -f "$tmp/unpacked/pixir" ] || fail "$asset holds no pixir binary"

# --- install ----------------------------------------------------------------------------------
mkdir -p "$install_dir" || fail "cannot create $install_dir" "pass --dir or set PIXIR_INSTALL_DIR"
dest="$install_dir/pixir"
if [ -f "$dest" ] && cmp -s "$tmp/unpacked/pixir" "$dest"; then
  say "$dest is already this version; nothing to do"
else
  # Copy next to the destination, then rename: a running pixir keeps its old file intact.
  cp "$tmp/unpacked/pixir" "$dest.tmp.$$" || fail "cannot write to $install_dir" \
    "pass --dir or set PIXIR_INSTALL_DIR to a folder you can write"
  chmod 755 "$dest.tmp.$$"
  mv -f "$dest.tmp.$$" "$dest"
  say "installed $dest"
fi

case ":${PATH:-}:" in
  *":$install_dir:"*) ;;
  *) say "$install_dir is not on your PATH; add it, e.g.: export PATH=\"$install_dir:\$PATH\"" ;;
esac
say "next: pixir doctor, then pixir login"
