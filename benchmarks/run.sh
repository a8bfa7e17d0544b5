#!/usr/bin/env bash
# Whole-process benchmarks: the table of issue 5, each row through the real `dirsync` command, with
# OpenLDAP's `slapadd -q` and sqlite3 loads of the same data beside it. See docs/benchmarks.md.
#
#   bash benchmarks/run.sh [--size N] [--shape uniform|realistic] [--keep] [--incremental-2x] [--requestors R]
#                          [--hub-updates U] [--no-hub] [--no-compare] [--no-slapadd] [--no-incremental-2x]
#                          [--no-wait] [--work DIR] [--postgres]
#
# --size N           mailboxes in the directory (default 100000; the issue's figures are --size 1000000)
# --shape S          the data (docs/benchmarks.md, "Data shapes"): uniform (the default; every name distinct and
#                    ASCII, mailboxes only) or realistic (shared display names, non-ASCII names, SMTP addresses
#                    made from the names by %g.%s, and one distribution list of 1,000 members per 1,000 mailboxes)
# --keep             keep the work folder (stores, files, logs) instead of removing it at the end
# --incremental-2x   also time the incremental export in a 2N store (on by default when N >= 1000000);
#                    --no-incremental-2x leaves it out (the cost-per-entry series, where 2N at 4M is 8M)
# --requestors R     hub requestors (default 100)
# --hub-updates U    updates each requestor sends in the timed hub cycle (default N / (100 R): 100 at 1M,
#                    so 10,000 in all; docs/benchmarks.md explains the reading and the other one)
# --no-hub, --no-compare   leave out the hub rows, or the slapadd and sqlite3 rows
# --no-slapadd       keep the sqlite3 rows but leave out slapadd (eq,sub takes 200 s at 1M, and more beyond)
# --hub-only         only the hub rows (to try another --hub-updates)
# --no-wait          do not wait for a quiet machine (by default: until the 1-minute load is below 1.5,
#                    polling every 30 s for up to 20 minutes)
# --work DIR         where to put the stores and files (default: a new folder under ${TMPDIR:-/tmp})
# --postgres         also the PostgreSQL rows: bulk import, full and incremental export on a PostgreSQL store,
#                    beside psql \copy of the same CSV into a table with the same indexes, on a private server
#                    (Debian's postgresql, initdb in the work folder, default durability) removed at the end
#
# Prints one line per row — work | N | seconds | peak MB | target | meets? | load — and the ratios
# against slapadd and sqlite3. Seconds are the whole process, start-up included (see the start-up row).
# Targets are the issue's figures for N = 1,000,000, scaled linearly to N where the work grows with N.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

size=100000
shape=uniform
keep=0
twice=""
requestors=100
hub_updates=""
hub=1
hub_only=0
compare=1
slapadd=1
wait_load=1
work=""
postgres=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --incremental-2x) twice=1; shift ;;
    --no-incremental-2x) twice=0; shift ;;
    --requestors) requestors=$2; shift 2 ;;
    --hub-updates) hub_updates=$2; shift 2 ;;
    --no-hub) hub=0; shift ;;
    --hub-only) hub_only=1; compare=0; twice=0; shift ;;
    --no-compare) compare=0; shift ;;
    --no-slapadd) slapadd=0; shift ;;
    --no-wait) wait_load=0; shift ;;
    --work) work=$2; shift 2 ;;
    --postgres) postgres=1; shift ;;
    --shape) shape=$2; shift 2 ;;
    -h|--help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$size$requestors${hub_updates:-1}" in
  *[!0-9]*) echo "run.sh: --size, --requestors and --hub-updates take whole numbers" >&2; exit 2 ;;
esac
if [ "$size" -lt 1000 ] || [ "$requestors" -lt 2 ]; then
  echo "run.sh: --size must be at least 1000 and --requestors at least 2" >&2; exit 2
fi
case "$shape" in
  uniform|realistic) ;;
  *) echo "run.sh: unknown --shape '$shape'; use uniform or realistic" >&2; exit 2 ;;
esac
[ -n "$twice" ] || { [ "$size" -ge 1000000 ] && twice=1 || twice=0; }
entries=$(( size / requestors ))
[ -n "$hub_updates" ] || hub_updates=$(( size / (100 * requestors) > 0 ? size / (100 * requestors) : 1 ))
if [ "$hub_updates" -gt "$entries" ]; then
  echo "run.sh: --hub-updates cannot exceed the entries of one requestor ($entries)" >&2; exit 2
fi

# --- What the script needs: /usr/bin/time, slapd (slapadd, slaptest), ldap-utils, sqlite3 -------------
packages=()
[ -x /usr/bin/time ] || packages+=(time)
if [ "$compare" = 1 ]; then
  if [ "$slapadd" = 1 ]; then
    [ -x /usr/sbin/slapadd ] || packages+=(slapd)
    command -v ldapsearch >/dev/null 2>&1 || packages+=(ldap-utils)
  fi
  command -v sqlite3 >/dev/null 2>&1 || packages+=(sqlite3)
fi
if [ "$postgres" = 1 ]; then
  command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] || packages+=(postgresql)
  command -v psql >/dev/null 2>&1 || packages+=(postgresql-client)
fi
if [ ${#packages[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  echo "== installing ${packages[*]}" >&2
  # slapd must not make or start a directory of its own: the benchmark runs slapadd on a private config.
  echo "slapd slapd/no_configuration boolean true" | $sudo_cmd debconf-set-selections
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# --- Build once --------------------------------------------------------------------------------------
echo "== building dirsync and the benchmark tools (Release)" >&2
dotnet build src/DirSync.Cli -c Release -v quiet -nologo >/dev/null
dotnet build benchmarks/DirSync.Benchmarks -c Release -v quiet -nologo >/dev/null
cli="$root/src/DirSync.Cli/bin/Release/net10.0/dirsync.dll"
tools="$root/benchmarks/DirSync.Benchmarks/bin/Release/net10.0/DirSync.Benchmarks.dll"

if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/dirsync-bench.XXXXXX")
else
  mkdir -p "$work"
fi
pg_root=""
cleanup() {
  if [ -n "$pg_root" ]; then
    pg_as "$(pg_config --bindir)/pg_ctl" stop -D "$pg_root/data" -m fast -w >/dev/null 2>&1 || true
    rm -rf "$pg_root"
  fi
  if [ "$keep" = 1 ]; then
    echo "== kept the work folder $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
log="$work/log.txt"
: >"$log"

# --- Measuring --------------------------------------------------------------------------------------
load1() { cut -d' ' -f1 /proc/loadavg; }

wait_for_quiet() {
  [ "$wait_load" = 1 ] || return 0
  local waited=0
  while awk -v l="$(load1)" 'BEGIN { exit !(l >= 1.5) }'; do
    if [ "$waited" -ge 1200 ]; then
      # One 20-minute wait is enough: on a machine that stays busy, the load column tells the story.
      echo "== the load is still $(load1) after 20 minutes; measuring anyway (see the load column)" >&2
      wait_load=0
      return 0
    fi
    [ "$waited" -gt 0 ] || echo "== waiting for the 1-minute load ($(load1)) to fall below 1.5" >&2
    sleep 30
    waited=$(( waited + 30 ))
  done
}

# measure CMD...: runs CMD under /usr/bin/time -v, stdout to $work/out.txt; sets $secs, $peak_mb, $load.
measure() {
  local t0 t1
  if [ "$1" = dirsync ]; then
    shift
    set -- dotnet "$cli" "$@"
  fi
  load=$(load1)
  t0=$(date +%s%N)
  if ! /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt"; then
    echo "run.sh: failed: $*" >&2
    cat "$work/err.txt" "$work/out.txt" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  peak_mb=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$work/time.txt")
  { echo "\$ $*"; cat "$work/out.txt"; echo "($secs s, $peak_mb MB, load $load)"; } >>"$log"
}

dirsync() { dotnet "$cli" "$@"; }
# pg_as CMD...: runs a PostgreSQL server tool as the postgres user when this script runs as root.
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

rows=()
header=$(printf '%-60s | %9s | %11s | %7s | %-11s | %-6s | %s' "work" "N" "time" "peak MB" "target" "meets?" "load")
# row WORK N VALUE PEAK_MB TARGET|- [CONDITION 1|0] [UNIT s|ms]: prints a row and keeps it for the summary.
row() {
  local unit=${7:-s} target="-" meets="-"
  if [ "$5" != "-" ]; then
    target="<= $5 $unit"
    meets=$(awk -v s="$3" -v t="$5" -v m="$4" -v c="${6:-1}" 'BEGIN { print (s <= t && m <= 400 && c == 1) ? "yes" : "NO" }')
  fi
  local line
  line=$(printf '%-60s | %9s | %11s | %7s | %-11s | %-6s | %s' "$1" "$2" "$3 $unit" "$4" "$target" "$meets" "${load:-}")
  rows+=("$line")
  echo "$line"
}
# scaled TARGET_AT_1M: the target for this N
scaled() { awk -v t="$1" -v n="$size" 'BEGIN { v = t * n / 1000000; printf (v < 1 ? "%.3f" : "%.2f"), v }'; }

# --- Data ---------------------------------------------------------------------------------------------
if [ "$hub_only" = 0 ]; then
  echo "== generating $size mailboxes (seeded, $shape shape) in $work" >&2
  dotnet "$tools" generate --size "$size" --shape "$shape" --out "$work/data" 2>>"$log"
  if [ "$twice" = 1 ]; then
    dotnet "$tools" generate --size $(( 2 * size )) --shape "$shape" --out "$work/data2x" --csv-only 2>>"$log"
  fi
fi

# What each shape's files hold, for the exact checks below (docs/benchmarks.md, "Data shapes"): the realistic
# shape adds one list per full 1,000 mailboxes, after them in the bulk CSV, and gives 6 of every 100 mailboxes a
# display name a mailbox before them has (offsets 31, 50, 64, 76, 88 and 97 of each block of 100).
lists() { [ "$shape" = realistic ] && echo $(( $1 / 1000 )) || echo 0; }
later_holders() {
  local n=$1 extra=0 offset
  [ "$shape" = realistic ] || { echo 0; return; }
  for offset in 31 50 64 76 88 97; do [ $(( n % 100 )) -gt "$offset" ] && extra=$(( extra + 1 )); done
  echo $(( n / 100 * 6 + extra ))
}
lists_n=$(lists "$size")
shared_n=$(later_holders "$size")
# init_site1 STORE: a new Site1 store with the shape's templates. The realistic shape's SMTP addresses are made
# from the names (%g.%s), as sites did; EDK keeps the default %m@Site1.Testorg.com. The generator's slapd.ldif and
# sqlite.sql carry the addresses this template gives (DataGenerator.RealisticSmtpTemplate).
init_site1() {
  dirsync --store "$1" init --org Testorg --site Site1 --server Server1 >/dev/null
  if [ "$shape" = realistic ]; then
    dirsync --store "$1" address-template set SMTP '%g.%s@Site1.Testorg.com' >/dev/null
  fi
}
# expect WHAT PATTERN: stops the run unless the last measured command's output matches PATTERN (an ERE).
expect() {
  grep -qE "$2" "$work/out.txt" || { echo "run.sh: $1" >&2; cat "$work/out.txt" >&2; exit 1; }
}

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "DirSync benchmarks, N = $size, $shape shape, $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, $(dotnet --version) SDK, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "$header"

S="$work/site1.db"
T="$work/site2.db"

if [ "$hub_only" = 0 ]; then
  # Bulk import of N new mailboxes (and, in the realistic shape, their lists) into a fresh store.
  init_site1 "$S"
  wait_for_quiet
  measure dirsync --store "$S" bulk import "$work/data/mailboxes.csv"
  expect "the bulk import did not create $size mailboxes and $lists_n lists" ": $(( size + lists_n )) added, 0 modified, 0 deleted, 0 unchanged, 0 rejected$"
  bulk_secs=$secs
  row "bulk import of N new mailboxes$( [ "$lists_n" = 0 ] || echo " and $lists_n lists")" "$size" "$secs" "$peak_mb" "$(scaled 20)"

  measure dirsync --store "$S" info
  row "process start-up (dirsync info, for reference)" "$size" "$secs" "$peak_mb" "-"

  # Full export.
  dirsync --store "$S" instance set E --export --file "$work/site1.ldif" >/dev/null
  wait_for_quiet
  measure dirsync --store "$S" run E --full
  # The instance exports mailboxes (its default classes): the lists are passed over.
  expect "the full export did not carry $size mailboxes" ": $size added, 0 modified, 0 deleted; $lists_n passed over$"
  row "full export to LDIF (run E --full)" "$size" "$secs" "$peak_mb" "$(scaled 8)"

  # Import of the full file into an empty store, as custom recipients.
  dirsync --store "$T" init --org Testorg --site Site2 --server Server2 >/dev/null
  dirsync --store "$T" instance set I --import --file "$work/site1.ldif" --address-type SMTP >/dev/null
  wait_for_quiet
  measure dirsync --store "$T" run I
  expect "the import did not add $size recipients" "(^|[^0-9])$size added, 0 modified, 0 deleted, 0 unchanged$"
  # Each display name a mailbox before it has is imported with a suffix, and says so in a note (the first 1,000
  # printed, the rest counted).
  suffixed=$(( $(grep -c "note: the display name '.*' is taken here" "$work/out.txt" || true) + $(sed -n 's/.*note: \.\.\. and \([0-9]*\) more notes.*/\1/p' "$work/out.txt" | head -n 1 | grep . || echo 0) ))
  [ "$suffixed" = "$shared_n" ] || { echo "run.sh: the import gave $suffixed display names a suffix, not $shared_n" >&2; exit 1; }
  import_secs=$secs
  row "import of the full file into an empty store (run I)" "$size" "$secs" "$peak_mb" "$(scaled 15)"

  # Re-import of the same content: a new full export (next sequence number), nothing changed.
  measure dirsync --store "$S" run E --full
  expect "the second full export did not carry $size mailboxes" ": $size added, 0 modified, 0 deleted; $lists_n passed over$"
  row "full export again (same content, next sequence)" "$size" "$secs" "$peak_mb" "$(scaled 8)"
  usn_before=$(dirsync --store "$T" info --json | sed -n 's/.*"highestUsn": *\([0-9]*\).*/\1/p')
  wait_for_quiet
  measure dirsync --store "$T" run I
  usn_after=$(dirsync --store "$T" info --json | sed -n 's/.*"highestUsn": *\([0-9]*\).*/\1/p')
  zero=0
  [ "$usn_before" = "$usn_after" ] && zero=1
  row "re-import of the same full file ($( [ $zero = 1 ] && echo "0 rows written" || echo "$(( usn_after - usn_before )) USNs taken"))" "$size" "$secs" "$peak_mb" "$(scaled 10)" "$zero"

  # Incremental export of 1,000 changes among N.
  changes=$(( size < 1000 ? size : 1000 ))
  measure dirsync --store "$S" bulk import "$work/data/modify.csv"
  row "bulk import of $changes Mode=Modify rows (setup)" "$size" "$secs" "$peak_mb" "-"
  # The full file was imported above. Left in place, the export's rename would replace it, and freeing its
  # blocks (0.55 GB at 1M) costs ext4 0.6 to 1.1 s that is the file system's work, not the export's.
  rm -f "$work/site1.ldif"
  wait_for_quiet
  measure dirsync --store "$S" run E
  expect "the incremental export did not carry $changes modifies" "(^|[^0-9])$changes modified"
  row "incremental export of $changes changes (run E)" "$size" "$secs" "$peak_mb" "0.2"
  measure dirsync --store "$T" run I
  row "import of those $changes changes (run I, for reference)" "$size" "$secs" "$peak_mb" "-"

  if [ "$twice" = 1 ]; then
    S2="$work/site1-2x.db"
    init_site1 "$S2"
    measure dirsync --store "$S2" bulk import "$work/data2x/mailboxes.csv"
    expect "the bulk import did not create $(( 2 * size )) mailboxes and $(lists $(( 2 * size ))) lists" ": $(( 2 * size + $(lists $(( 2 * size ))) )) added, 0 modified"
    row "bulk import of 2N new mailboxes (setup)" "$(( 2 * size ))" "$secs" "$peak_mb" "-"
    dirsync --store "$S2" instance set E --export --file "$work/site1-2x.ldif" >/dev/null
    measure dirsync --store "$S2" run E --full
    row "full export of 2N (setup)" "$(( 2 * size ))" "$secs" "$peak_mb" "-"
    dirsync --store "$S2" bulk import "$work/data2x/modify.csv" >/dev/null
    rm -f "$work/site1-2x.ldif"
    wait_for_quiet
    measure dirsync --store "$S2" run E
    row "incremental export of $changes changes among 2N (run E)" "$(( 2 * size ))" "$secs" "$peak_mb" "0.2"
    rm -f "$S2" "$S2-wal" "$S2-shm" "$work/site1-2x.ldif"
fi

# The GAL: rebuild, then prefix searches timed inside one process (the CLI's start-up is not a search).
wait_for_quiet
measure dirsync --store "$S" gal rebuild
expect "the GAL does not hold $(( size + lists_n )) entries with $shared_n suffixed" "^Rebuilt the GAL: $(( size + lists_n )) entries \($shared_n display names? given a suffix\)$"
row "gal rebuild" "$size" "$secs" "$peak_mb" "$(scaled 10)"
measure dotnet "$tools" gal-search --store "$S" --prefixes j,jo,joh --iterations 1000
while IFS='|' read -r prefix results median p99 max first; do
  ok=$(awk -v p="$p99" 'BEGIN { print (p <= 10) ? 1 : 0 }')
  row "gal search '$prefix' in process, median ($results hits; p99 $p99 ms)" "$size" "$median" "$peak_mb" "10" "$ok" ms
done <"$work/out.txt"
measure dirsync --store "$S" gal search joh
row "gal search 'joh' as a whole process (for reference)" "$size" "$secs" "$peak_mb" "-"
fi

# PostgreSQL: the same rows on a PostgreSQL store, beside psql \copy of the same CSV.
if [ "$postgres" = 1 ] && [ "$hub_only" = 0 ]; then
  # A private server: PostgreSQL refuses to run as root, so the cluster is the postgres user's, in a folder it can reach.
  pg_root=$(mktemp -d /tmp/dirsync-bench-pg.XXXXXX)
  chmod 755 "$pg_root"
  pg_bin=$(pg_config --bindir)
  pg_port=$(( 40000 + RANDOM % 20000 ))
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pg_root"
  pg_as "$pg_bin/initdb" -D "$pg_root/data" -U postgres -A trust -E UTF8 --locale=C >>"$log" 2>&1
  pg_as "$pg_bin/pg_ctl" start -D "$pg_root/data" -w -l "$pg_root/server.log" \
    -o "-p $pg_port -k $pg_root -c listen_addresses='' -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min" >>"$log" 2>&1
  pg_sql() { psql -q -X -v ON_ERROR_STOP=1 -h "$pg_root" -p "$pg_port" -U postgres "$@"; }
  pg_uri() { echo "postgresql://postgres@/$1?host=$pg_root&port=$pg_port"; }
  pg_sql -d postgres -c "CREATE DATABASE site1" -c "CREATE DATABASE plain"
  P=$(pg_uri site1)

  init_site1 "$P"
  wait_for_quiet
  measure dirsync --store "$P" bulk import "$work/data/mailboxes.csv"
  expect "the PostgreSQL bulk import did not create $size mailboxes and $lists_n lists" ": $(( size + lists_n )) added, 0 modified, 0 deleted, 0 unchanged, 0 rejected$"
  pg_bulk_secs=$secs
  row "PostgreSQL: bulk import of N new mailboxes" "$size" "$secs" "$peak_mb" "-"

  # psql \copy of the same CSV into a table of its columns, with the indexes DirSync keeps on those values
  # (the alias unique and the display name, both upper-cased, as DirSync's keys are).
  columns=$(head -n 1 "$work/data/mailboxes.csv" | tr -d '\r' | tr ',' '\n' | awk '{ printf "%s\"%s\" text", (NR > 1 ? ", " : ""), $0 }')
  pg_sql -d plain -c "CREATE TABLE mailboxes ($columns)" \
    -c "CREATE UNIQUE INDEX ix_alias ON mailboxes (upper(\"Common-Name\") COLLATE \"C\")" \
    -c "CREATE INDEX ix_display ON mailboxes (upper(\"Display-Name\") COLLATE \"C\")"
  wait_for_quiet
  measure psql -q -X -v ON_ERROR_STOP=1 -h "$pg_root" -p "$pg_port" -U postgres -d plain \
    -c "\\copy mailboxes FROM '$work/data/mailboxes.csv' WITH (FORMAT csv, HEADER true)"
  pg_copy_secs=$secs
  row "PostgreSQL: psql \\copy of the same CSV, alias and display name indexed" "$size" "$secs" "$peak_mb" "-"

  dirsync --store "$P" instance set E --export --file "$work/pg-site1.ldif" >/dev/null
  wait_for_quiet
  measure dirsync --store "$P" run E --full
  row "PostgreSQL: full export to LDIF (run E --full)" "$size" "$secs" "$peak_mb" "-"
  measure dirsync --store "$P" bulk import "$work/data/modify.csv"
  row "PostgreSQL: bulk import of $changes Mode=Modify rows (setup)" "$size" "$secs" "$peak_mb" "-"
  rm -f "$work/pg-site1.ldif"
  wait_for_quiet
  measure dirsync --store "$P" run E
  expect "the PostgreSQL incremental export did not carry $changes modifies" "(^|[^0-9])$changes modified"
  row "PostgreSQL: incremental export of $changes changes (run E)" "$size" "$secs" "$peak_mb" "-"
fi

# The hub: R requestors, N/R entries each taken in by an earlier cycle, then a timed T2.
if [ "$hub" = 1 ]; then
  H="$work/hub.db"
  mkdir -p "$work/hub/inbox"
  dotnet "$tools" hub-messages --out "$work/hub" --requestors "$requestors" --entries "$entries" --updates "$hub_updates" 2>>"$log"
  dirsync --store "$H" init --org Testorg --site Hub --server Hub >/dev/null
  dirsync --store "$H" server enable --inbox "$work/hub/inbox" --name NET/HUB >/dev/null
  while read -r name; do
    inbox="$work/hub/requestors/${name//\//-}"
    mkdir -p "$inbox"
    dirsync --store "$H" server add-requestor "$name" --inbox "$inbox" --password bench >/dev/null
  done <"$work/hub/requestors.txt"
  # Cycle 0: first contact, each requestor with one entry; the server's replies carry the (small) directory.
  mv "$work/hub/cycle0/"*.dsm "$work/hub/inbox/"
  dirsync --store "$H" server receive >>"$log" 2>&1
  dirsync --store "$H" server send >>"$log" 2>&1
  find "$work/hub/requestors" -name '*.dsm' -delete
  mv "$work/hub/cycle1/"*.dsm "$work/hub/inbox/"
  measure dirsync --store "$H" server receive --allow-deletes 0
  row "hub cycle 1 receive: $requestors x $(( entries - 1 )) adds (setup)" "$size" "$secs" "$peak_mb" "-"
  mv "$work/hub/cycle2/"*.dsm "$work/hub/inbox/"
  wait_for_quiet
  measure dirsync --store "$H" server receive
  receive_secs=$secs receive_mb=$peak_mb
  row "hub T2 server receive: $requestors x $hub_updates updates" "$size" "$secs" "$peak_mb" "-"
  measure dirsync --store "$H" server send
  send_secs=$secs
  replies=$(( requestors * (requestors - 1) * hub_updates ))
  row "hub T2 server send: $requestors replies, $replies records in all" "$size" "$secs" "$peak_mb" "-"
  total=$(awk -v a="$receive_secs" -v b="$send_secs" 'BEGIN { printf "%.2f", a + b }')
  peak=$(( receive_mb > peak_mb ? receive_mb : peak_mb ))
  hub_target=$(awk -v r="$requestors" -v u="$hub_updates" 'BEGIN { v = 20 * r * (r - 1) * u / (100 * 99 * 100); printf (v < 1 ? "%.3f" : "%.2f"), v }')
  row "hub T2 (receive + send): $requestors requestors x $hub_updates updates" "$(( requestors * hub_updates ))" "$total" "$peak" "$hub_target"
  rm -rf "$work/hub/requestors" "$H" "$H-wal" "$H-shm"
fi

# OpenLDAP and SQLite on the same data. slapadd -q twice: with equality and substring indexes on cn, mail
# and displayName (the configuration behind the issue's 83 s), and with equality indexes only. sqlite3
# twice: a bare table (the floor of what SQLite can do), and the same table with those three indexed.
if [ "$compare" = 1 ]; then
  ldap="$work/slapd"
  # slapd_conf NAME INDEXES: a private back-mdb database and config; the system's slapd is not touched.
  slapd_conf() {
    mkdir -p "$ldap/$1/db"
    {
      echo "include /etc/ldap/schema/core.schema"
      echo "include /etc/ldap/schema/cosine.schema"
      echo "include /etc/ldap/schema/inetorgperson.schema"
      echo "modulepath /usr/lib/ldap"
      echo "moduleload back_mdb"
      echo "pidfile $ldap/$1/slapd.pid"
      echo "database mdb"
      echo "suffix \"o=Testorg\""
      echo "rootdn \"cn=admin,o=Testorg\""
      echo "directory $ldap/$1/db"
      echo "maxsize 34359738368"
      echo "index objectClass eq"
      echo "index cn,mail,displayName $2"
    } >"$ldap/$1/slapd.conf"
    /usr/sbin/slaptest -u -f "$ldap/$1/slapd.conf" >>"$log" 2>&1 || { echo "run.sh: slaptest rejected $ldap/$1/slapd.conf" >&2; tail -5 "$log" >&2; exit 1; }
  }
  if [ "$slapadd" = 1 ]; then
  slapd_conf sub eq,sub
  slapd_conf eq eq
  wait_for_quiet
  measure /usr/sbin/slapadd -q -f "$ldap/sub/slapd.conf" -l "$work/data/slapd.ldif"
  slapadd_secs=$secs
  row "slapadd -q (back-mdb; cn, mail, displayName eq,sub)" "$size" "$secs" "$peak_mb" "-"
  rm -rf "$ldap/sub/db"
  measure /usr/sbin/slapadd -q -f "$ldap/eq/slapd.conf" -l "$work/data/slapd.ldif"
  slapadd_eq_secs=$secs
  row "slapadd -q (back-mdb; cn, mail, displayName eq only)" "$size" "$secs" "$peak_mb" "-"
  rm -rf "$ldap/eq/db"
  fi

  measure sh -c "sqlite3 '$work/floor.db' <'$work/data/sqlite.sql'"
  sqlite_secs=$secs
  row "sqlite3: an INSERT per row in one transaction, bare table" "$size" "$secs" "$peak_mb" "-"
  rm -f "$work/floor.db"
  indexes="CREATE UNIQUE INDEX ix_alias ON mailboxes(alias); CREATE INDEX ix_mail ON mailboxes(mail); CREATE INDEX ix_display ON mailboxes(display_name);"
  measure sh -c "{ head -n 1 '$work/data/sqlite.sql'; echo '$indexes'; tail -n +2 '$work/data/sqlite.sql'; } | sqlite3 '$work/indexed.db'"
  sqlite_ix_secs=$secs
  row "sqlite3: the same with alias, mail, display_name indexed" "$size" "$secs" "$peak_mb" "-"
  rm -f "$work/indexed.db"
  # The same indexes made once the rows are in (CREATE INDEX sorts its keys): what a first load that builds its
  # secondary indexes at the end could come to, for reference — issue 17's targets are against the row above.
  measure sh -c "{ cat '$work/data/sqlite.sql'; echo '$indexes'; } | sqlite3 '$work/late.db'"
  sqlite_late_secs=$secs
  row "sqlite3: the same, the indexes made after the rows" "$size" "$secs" "$peak_mb" "-"
  rm -f "$work/late.db"
fi

echo
echo "$header"
printf '%s\n' "${rows[@]}"
if [ "$compare" = 1 ]; then
  echo
  # Without slapadd (--no-slapadd) its two columns print "-".
  awk -v b="$bulk_secs" -v i="$import_secs" -v l="${slapadd_secs:-}" -v e="${slapadd_eq_secs:-}" -v q="$sqlite_secs" -v x="$sqlite_ix_secs" -v z="$sqlite_late_secs" '
    function ratio(a, d) { return d == "" ? "-" : sprintf("%.2f", a / d) }
    BEGIN {
    f = "%-46s | %14s | %10s | %12s | %15s | %17s\n"
    printf f, "DirSync / other (target <= 0.25 and <= 1)", "slapadd eq,sub", "slapadd eq", "sqlite3 bare", "sqlite3 indexed", "sqlite3 ix at end"
    printf f, "bulk import of the CSV", ratio(b, l), ratio(b, e), ratio(b, q), ratio(b, x), ratio(b, z)
    printf f, "import of the LDIF change set (run I)", ratio(i, l), ratio(i, e), ratio(i, q), ratio(i, x), ratio(i, z)
  }'
fi
if [ "$postgres" = 1 ] && [ -n "${pg_bulk_secs:-}" ]; then
  echo
  awk -v b="$pg_bulk_secs" -v c="$pg_copy_secs" 'BEGIN { printf "PostgreSQL bulk import / psql \\copy (target <= 1.5): %.2f\n", b / c }'
fi
echo
echo "Every command and its output: $log$( [ "$keep" = 1 ] || echo " (removed with the work folder; --keep keeps it)")"
