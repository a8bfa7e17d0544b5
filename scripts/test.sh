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
# The crash harness (tests/DirSync.Tests/Crash) kills dirsync at a CI-sized sample of
# each command's fault points. The longer run, at (nearly) every point:
#   DIRSYNC_CRASH_KILLS=200 bash scripts/test.sh --filter FullyQualifiedName~Crash
# DIRSYNC_CRASH_SEED=<n> draws other points; a failure prints the seed to reproduce it.
packages=(util-linux mount chromium)
if [ ${#packages[@]} -gt 0 ]; then
  missing=()
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
  fi
fi

dotnet test DirSync.slnx -c Release --logger "console;verbosity=minimal" "$@"
