#!/usr/bin/env bash
# The hub's take-in, this checkout beside another commit, in one run (issue 17: "a quarter of today's cost per
# update, both measured in one run on one machine"; docs/benchmarks.md, "The hub's take-in cost").
#
#   bash benchmarks/hub-takein.sh [--base COMMIT] [--requestors R] [--entries E] [--pairs P] [--keep] [--work DIR]
#
# --base COMMIT    the code to compare with (default 5503b87, main before issue 17)
# --requestors R   requestors (default 100)
# --entries E      entries each requestor has (default 2000: cycle 1 takes in R x (E-1) adds)
# --pairs P        how many times the pair runs, alternating base and this checkout (default 3)
#
# Each build makes its own server store the way run.sh makes the hub (R requestors registered, cycle 0 taken in
# and answered) from the same message files; then, P times, a copy of each takes in cycle 1
# (`dirsync server receive --allow-deletes 0`) under /usr/bin/time, base first. One line per run: seconds, peak
# MB, user and system CPU seconds; then the ratios of each pair. Machines of this kind drift by 10 % or more
# between minutes, so only the ratios within a pair mean much.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

base=5503b87
requestors=100
entries=2000
pairs=3
keep=0
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=$2; shift 2 ;;
    --requestors) requestors=$2; shift 2 ;;
    --entries) entries=$2; shift 2 ;;
    --pairs) pairs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --work) work=$2; shift 2 ;;
    *) echo "hub-takein.sh: unknown option '$1'; see the comment at the top of the script" >&2; exit 2 ;;
  esac
done
case "$requestors$entries$pairs" in
  *[!0-9]*) echo "hub-takein.sh: --requestors, --entries and --pairs take whole numbers" >&2; exit 2 ;;
esac
[ -x /usr/bin/time ] || { echo "hub-takein.sh: /usr/bin/time is missing; install the 'time' package" >&2; exit 1; }
git rev-parse --verify -q "$base^{commit}" >/dev/null || { echo "hub-takein.sh: '$base' is not a commit of this repository" >&2; exit 2; }

if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/dirsync-hub-takein.XXXXXX")
else
  mkdir -p "$work"
fi
cleanup() {
  git -C "$root" worktree remove --force "$work/base-src" >/dev/null 2>&1 || true
  if [ "$keep" = 1 ]; then echo "== kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "== building this checkout and $base (Release)" >&2
git -C "$root" worktree add -f --detach "$work/base-src" "$base" >/dev/null 2>&1
for src in "$root" "$work/base-src"; do
  dotnet build "$src/src/DirSync.Cli" -c Release -v quiet -nologo >/dev/null
done
dotnet build "$root/benchmarks/DirSync.Benchmarks" -c Release -v quiet -nologo >/dev/null
new_cli="$root/src/DirSync.Cli/bin/Release/net10.0/dirsync.dll"
base_cli="$work/base-src/src/DirSync.Cli/bin/Release/net10.0/dirsync.dll"
tools="$root/benchmarks/DirSync.Benchmarks/bin/Release/net10.0/DirSync.Benchmarks.dll"

echo "== writing the messages: $requestors requestors x $entries entries" >&2
dotnet "$tools" hub-messages --out "$work/messages" --requestors "$requestors" --entries "$entries" --updates 1 >/dev/null

# setup NAME CLI: a server store made by that build, cycle 0 taken in and answered, kept as NAME/base.db.
setup() {
  local dir="$work/$1" cli=$2
  mkdir -p "$dir/inbox"
  dotnet "$cli" --store "$dir/hub.db" init --org Testorg --site Hub --server Hub >/dev/null
  dotnet "$cli" --store "$dir/hub.db" server enable --inbox "$dir/inbox" --name NET/HUB >/dev/null
  while read -r name; do
    mkdir -p "$dir/requestors/${name//\//-}"
    dotnet "$cli" --store "$dir/hub.db" server add-requestor "$name" --inbox "$dir/requestors/${name//\//-}" --password bench >/dev/null
  done <"$work/messages/requestors.txt"
  cp "$work/messages/cycle0/"*.dsm "$dir/inbox/"
  dotnet "$cli" --store "$dir/hub.db" server receive >/dev/null
  dotnet "$cli" --store "$dir/hub.db" server send >/dev/null
  mv "$dir/hub.db" "$dir/base.db"
}
echo "== making each build's server store" >&2
setup base "$base_cli"
setup new "$new_cli"

# receive NAME CLI: cycle 1 into a fresh copy of NAME's store; prints "seconds peakMB user system".
receive() {
  local dir="$work/$1" cli=$2
  rm -f "$dir/hub.db" "$dir/hub.db-wal" "$dir/hub.db-shm" "$dir/inbox/"*.dsm
  rm -rf "$dir/requestors/"*/*.dsm
  cp "$dir/base.db" "$dir/hub.db"
  cp "$work/messages/cycle1/"*.dsm "$dir/inbox/"
  if ! /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" dotnet "$cli" --store "$dir/hub.db" server receive --allow-deletes 0 >"$work/out.txt" 2>&1; then
    echo "hub-takein.sh: the $1 receive failed:" >&2
    cat "$work/out.txt" >&2
    exit 1
  fi
  awk '{ printf "%s %d %s %s", $1, $2 / 1024, $3, $4 }' "$work/time.txt"
}

adds=$(( requestors * (entries - 1) ))
echo "cycle 1: $requestors x $(( entries - 1 )) adds ($adds updates); base $base against $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo ' (with uncommitted changes)')"
echo "lscpu: $(lscpu | awk -F': +' '/Model name/ { print $2; exit }'), $(nproc) CPUs"
printf '%-5s | %-4s | %9s | %7s | %8s | %8s | %s\n' pair code seconds "peak MB" "user s" "system s" "µs an update"
ratios=()
for pair in $(seq 1 "$pairs"); do
  read -r b_secs b_mb b_user b_sys <<<"$(receive base "$base_cli")"
  printf '%-5s | %-4s | %9s | %7s | %8s | %8s | %.0f\n' "$pair" base "$b_secs" "$b_mb" "$b_user" "$b_sys" "$(awk -v s="$b_secs" -v n="$adds" 'BEGIN { print s * 1e6 / n }')"
  read -r n_secs n_mb n_user n_sys <<<"$(receive new "$new_cli")"
  printf '%-5s | %-4s | %9s | %7s | %8s | %8s | %.0f\n' "$pair" new "$n_secs" "$n_mb" "$n_user" "$n_sys" "$(awk -v s="$n_secs" -v n="$adds" 'BEGIN { print s * 1e6 / n }')"
  ratios+=("$(awk -v a="$n_secs" -v b="$b_secs" 'BEGIN { printf "%.2f", a / b }')")
done
echo "new / base, pair by pair (target <= 0.25): ${ratios[*]}"
