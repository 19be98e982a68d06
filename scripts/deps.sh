#!/bin/sh
# Install the Debian packages gazette builds, runs, tests and benchmarks with.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -eu

BUILD="build-essential pkg-config make git
libcmark-gfm-dev libcmark-gfm-extensions-dev libgit2-dev liblua5.4-dev
libyaml-dev libvips-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk
libqrencode-dev libsqlite3-dev libarchive-dev libdeflate-dev libmicrohttpd-dev libsodium-dev gettext"
TEST="chromium poppler-utils hugo weasyprint libclang-rt-14-dev clang time"

missing=""
for p in $BUILD $TEST; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

# Tools the tests script in: any install will do, so look for the command.
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -z "$missing" ]; then
	exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "gazette: missing Debian packages:$missing" >&2
	echo "run as root:  apt-get update && $cmd" >&2
	exit 2
fi

echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
