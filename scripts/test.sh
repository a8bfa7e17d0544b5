#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need, builds, tests.
# CI (.ci/run) calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests need the .NET SDK and, for the file-system fault tests, setpriv, unshare
# and mount (util-linux, mount: part of every Debian, listed so a slim image gets them).
# Debian packages they come to need (OpenLDAP, PostgreSQL, ...) are installed here, so
# a fresh machine is enough. The status page of `dirsync serve` is tested in Debian's
# chromium, headless (Playwright drives it and downloads no browser); on CI a missing
# chromium fails that test rather than skipping it.
#
# PostgreSQL: the tests start a private server of their own (initdb into a temporary
# folder as the postgres user, a private port and socket on loopback) and remove it at
# the end; nothing is started by this script or by the package (its cluster stays down).
# DIRSYNC_REQUIRE_POSTGRES=1 makes a missing server fail the run instead of skipping.
# The store contract and the PostgreSQL tests run in the first pass; the command-line,
# hub and crash suites then run a second time with every store a PostgreSQL database
# (DIRSYNC_TEST_STORE=postgresql; see tests/DirSync.Tests/Support/TestStores.cs).
#
# The crash harness (tests/DirSync.Tests/Crash) kills dirsync at a CI-sized sample of
# each command's fault points. The longer run, at (nearly) every point:
#   DIRSYNC_CRASH_KILLS=200 bash scripts/test.sh --filter FullyQualifiedName~Crash
# DIRSYNC_CRASH_SEED=<n> draws other points; a failure prints the seed to reproduce it.
#
# The live-directory tests (tests/DirSync.Tests/Ldap) start their own servers on loopback in
# temporary folders: slapd (OpenLDAP, with the ldap-utils the tests and the benchmark use) and
# Samba's Active Directory domain controller. Installing them must not leave the machine's own
# slapd or samba running: Debian's policy-rc.d keeps services from starting during the install,
# and any that did start are stopped below. Samba's certificate names dc1.dirsync.test, which
# is mapped to loopback in /etc/hosts.
packages=(util-linux mount postgresql slapd ldap-utils samba chromium)
sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
if [ ${#packages[@]} -gt 0 ]; then
  missing=()
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo_cmd apt-get install -y -qq "${missing[@]}"
    for service in slapd samba-ad-dc smbd nmbd winbind; do
      if command -v service >/dev/null 2>&1 && service "$service" status >/dev/null 2>&1; then
        $sudo_cmd service "$service" stop >/dev/null 2>&1 || true
      fi
    done
  fi
fi
if ! getent hosts dc1.dirsync.test | grep -q '^127\.'; then
  echo "127.0.0.1 dc1.dirsync.test" | $sudo_cmd tee -a /etc/hosts >/dev/null
fi

export DIRSYNC_REQUIRE_POSTGRES=1
dotnet test DirSync.slnx -c Release --logger "console;verbosity=minimal" "$@"

# The same end-to-end suites on PostgreSQL (or, when arguments select tests, the same selection).
second=("$@")
[ ${#second[@]} -gt 0 ] || second=(--filter "FullyQualifiedName~DirSync.Tests.Cli|FullyQualifiedName~DirSync.Tests.Hub|FullyQualifiedName~DirSync.Tests.Crash")
DIRSYNC_TEST_STORE=postgresql dotnet test tests/DirSync.Tests -c Release --no-build --logger "console;verbosity=minimal" "${second[@]}"

# The .NET tool package: `dotnet pack` makes it, `dotnet tool install` puts it in a tool path of its
# own (as the README shows), and the installed `dirsync --version` prints the project's version.
tool_dir="$(mktemp -d)"
trap 'rm -rf "$tool_dir"' EXIT
dotnet pack src/DirSync.Cli -c Release -o "$tool_dir/package" --nologo -v quiet
dotnet tool install --tool-path "$tool_dir/tools" --add-source "$tool_dir/package" DirSync.Tool
expected="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/DirSync.Cli/DirSync.Cli.csproj)"
version="$("$tool_dir/tools/dirsync" --version)"
case "$version" in
  "$expected"|"$expected+"*) echo "The installed tool package runs: dirsync --version printed $version" ;;
  *) echo "dirsync --version of the installed tool printed '$version', not version $expected" >&2; exit 1 ;;
esac
