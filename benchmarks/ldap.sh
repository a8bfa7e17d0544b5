#!/usr/bin/env bash
# Live-directory benchmark (issue 12): dirsync against a real slapd, beside OpenLDAP's own tools, in one run.
#
#   bash benchmarks/ldap.sh [--size N] [--changes C] [--keep] [--work DIR]
#
# --size N      people in the directory (default 100000)
# --changes C   changes made between the full and the incremental import (default 100: C/2 modified,
#               C/4 added, C/4 deleted)
# --keep        keep the work folder (databases, stores, logs)
#
# Rows, each the whole process:
#   ldapsearch -LLL of the people                vs  dirsync run (full import from slapd into an empty store)
#   dirsync run (incremental import of C changes among N, RFC 4533 with syncprov's session log)
#   ldapadd of the entries dirsync writes        vs  dirsync run (full export into an empty slapd)
# The slapds are private (own folders, free loopback ports), with back-mdb and dbnosync for both sides
# alike; the source has syncprov. Figures go to docs/benchmarks.md with the machine's lscpu model name.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

size=100000
changes=100
keep=0
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --changes) changes=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --work) work=$2; shift 2 ;;
    *) echo "ldap.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

for tool in slapd slapadd ldapsearch ldapadd ldapmodify; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "ldap.sh: '$tool' is missing; 'bash scripts/test.sh' installs slapd and ldap-utils" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin"

dotnet build src/DirSync.Cli -c Release -v quiet -nologo >/dev/null
cli="$root/src/DirSync.Cli/bin/Release/net10.0/dirsync.dll"
dirsync() { dotnet "$cli" "$@"; }

[ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/dirsync-ldap-bench.XXXXXX")
mkdir -p "$work"
log="$work/log.txt"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$keep" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

suffix="dc=example,dc=org"
admin="cn=admin,$suffix"
printf 'secret-Admin1' >"$work/admin.pw"
printf 'secret-Admin1\n' >"$work/admin.line"
chmod 600 "$work/admin.pw" "$work/admin.line"

# slapd_conf NAME SYNCPROV: a private configuration with its own database folder.
slapd_conf() {
  local name=$1 syncprov=$2
  mkdir -p "$work/$name/db"
  {
    echo "include /etc/ldap/schema/core.schema"
    echo "include /etc/ldap/schema/cosine.schema"
    echo "include /etc/ldap/schema/inetorgperson.schema"
    echo "modulepath /usr/lib/ldap"
    echo "moduleload back_mdb"
    [ "$syncprov" = 1 ] && echo "moduleload syncprov"
    echo "pidfile $work/$name/slapd.pid"
    echo "database mdb"
    echo "suffix \"$suffix\""
    echo "rootdn \"$admin\""
    echo "rootpw secret-Admin1"
    echo "directory $work/$name/db"
    echo "maxsize 8589934592"
    echo "dbnosync"
    echo "index objectClass eq"
    echo "index entryUUID eq"
    echo "index entryCSN eq"
    if [ "$syncprov" = 1 ]; then
      echo "overlay syncprov"
      echo "syncprov-checkpoint 1000 10"
      echo "syncprov-sessionlog 100000"
    fi
  } >"$work/$name/slapd.conf"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# slapd_start NAME: starts it in the foreground (owned by this script, ended by the exit trap), waits for it
# to listen, and sets $url. Not called in $(...): the process id must reach this shell's list.
url=""
slapd_start() {
  local name=$1 port
  port=$(free_port)
  slapd -d 0 -f "$work/$name/slapd.conf" -h "ldap://127.0.0.1:$port" >>"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do
    if ldapsearch -x -H "ldap://127.0.0.1:$port" -b "" -s base >/dev/null 2>&1; then break; fi
    sleep 0.05
  done
  url="ldap://127.0.0.1:$port"
}

base_ldif() {
  printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n' "$suffix"
  printf 'dn: ou=People,%s\nobjectClass: organizationalUnit\nou: People\n\n' "$suffix"
  printf 'dn: ou=Contacts,%s\nobjectClass: organizationalUnit\nou: Contacts\n\n' "$suffix"
}

# N people with the attributes a directory's people have.
awk -v n="$size" -v s="$suffix" 'BEGIN {
  split("Engineering Sales Finance Support Research Legal", d, " ")
  for (i = 1; i <= n; i++) {
    printf "dn: uid=p%07d,ou=People,%s\nobjectClass: inetOrgPerson\nuid: p%07d\ncn: Person %d\nsn: Number%d\ngivenName: Person\n", i, s, i, i, i
    printf "displayName: Person %d\nmail: p%07d@example.org\ntitle: Title %d\nou: %s\ntelephoneNumber: +1 555 %07d\nl: City %d\n\n", i, i, i % 50, d[i % 6 + 1], i, i % 200
  }
}' >"$work/people.ldif"

secs=0
measure() {
  local t0 t1
  t0=$(date +%s%N)
  if ! "$@" >"$work/out.txt" 2>"$work/err.txt"; then
    echo "ldap.sh: failed: $*" >&2
    cat "$work/err.txt" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  { echo "\$ $*"; head -c 2000 "$work/out.txt"; echo "($secs s)"; } >>"$log"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
meets() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "yes" : "NO" }'; }
rows=()
row() { rows+=("$(printf '%-62s | %8s s | %s' "$1" "$2" "$3")"); }

# --- The source: slapd with syncprov, loaded offline with slapadd. -----------------------------------
slapd_conf source 1
{ base_ldif; cat "$work/people.ldif"; } >"$work/source.ldif"
slapadd -q -f "$work/source/slapd.conf" -l "$work/source.ldif" >>"$log" 2>&1
slapd_start source; src=$url

# --- Full import vs ldapsearch ---------------------------------------------------------------------
filter="(&(objectClass=inetOrgPerson)(mail=*))"
ldapsearch -x -LLL -H "$src" -D "$admin" -y "$work/admin.pw" -b "ou=People,$suffix" "$filter" >/dev/null  # warm the cache
measure ldapsearch -x -LLL -H "$src" -D "$admin" -y "$work/admin.pw" -b "ou=People,$suffix" "$filter" '*' entryUUID
search=$secs
row "ldapsearch -LLL of the $size people (all attributes, entryUUID)" "$search" "-"

S="$work/store.db"
dirsync --store "$S" init --org Testorg --site Site1 --server Server1 >/dev/null
dirsync --store "$S" instance set PEOPLE --import --ldap "$src" --base-dn "ou=People,$suffix" --bind-dn "$admin" --password-file "$work/admin.line" >/dev/null
measure dirsync --store "$S" run PEOPLE --json
import=$secs
grep -q "\"added\": $size" "$work/out.txt" || { echo "ldap.sh: the full import did not add $size" >&2; cat "$work/out.txt" >&2; exit 1; }
r=$(ratio "$import" "$search")
row "dirsync run: full import from slapd into an empty store" "$import" "$r x ldapsearch (target <= 1.5: $(meets "$r" 1.5))"

# --- Incremental import of C changes among N ------------------------------------------------------
modified=$(( changes / 2 )); added=$(( changes / 4 )); deleted=$(( changes - modified - added ))
{
  # Modified ones spread over the first half, deleted ones taken from the end: no entry is both.
  for i in $(seq 1 "$modified"); do printf 'dn: uid=p%07d,ou=People,%s\nchangetype: modify\nreplace: title\ntitle: Changed %d\n\n' $(( (i * 97) % (size / 2) + 1 )) "$suffix" "$i"; done
  for i in $(seq 1 "$added"); do printf 'dn: uid=new%05d,ou=People,%s\nchangetype: add\nobjectClass: inetOrgPerson\nuid: new%05d\ncn: New %d\nsn: New\nmail: new%05d@example.org\n\n' "$i" "$suffix" "$i" "$i" "$i"; done
  for i in $(seq 1 "$deleted"); do printf 'dn: uid=p%07d,ou=People,%s\nchangetype: delete\n\n' $(( size - i * 7 )) "$suffix"; done
} >"$work/changes.ldif"
ldapmodify -x -H "$src" -D "$admin" -y "$work/admin.pw" -f "$work/changes.ldif" >>"$log"
measure dirsync --store "$S" run PEOPLE --json
incremental=$secs
grep -q "\"added\": $added" "$work/out.txt" && grep -q "\"modified\": $modified" "$work/out.txt" && grep -q "\"deleted\": $deleted" "$work/out.txt" \
  || { echo "ldap.sh: the incremental import did not see the $changes changes" >&2; cat "$work/out.txt" >&2; exit 1; }
row "dirsync run: incremental import of $changes changes among $size" "$incremental" "target <= 1 s: $(meets "$incremental" 1)"

# --- Full export into an empty slapd vs ldapadd of the same entries ----------------------------------
slapd_conf target 0
slapadd -q -f "$work/target/slapd.conf" -l <(base_ldif) >>"$log" 2>&1
slapd_start target; dst=$url
dirsync --store "$S" instance set OUT --export --ldap "$dst" --base-dn "ou=Contacts,$suffix" --classes custom-recipient --bind-dn "$admin" --password-file "$work/admin.line" >/dev/null
measure dirsync --store "$S" run OUT --json
export_secs=$secs
count=$(ldapsearch -x -LLL -H "$dst" -D "$admin" -y "$work/admin.pw" -b "ou=Contacts,$suffix" "(objectClass=inetOrgPerson)" 1.1 | grep -c '^dn:')

# The same entries, as dirsync wrote them, added by ldapadd into another empty slapd.
ldapsearch -x -LLL -o ldif-wrap=no -H "$dst" -D "$admin" -y "$work/admin.pw" -b "ou=Contacts,$suffix" "(objectClass=inetOrgPerson)" >"$work/contacts.ldif"
slapd_conf copy 0
slapadd -q -f "$work/copy/slapd.conf" -l <(base_ldif) >>"$log" 2>&1
slapd_start copy; cpy=$url
measure ldapadd -x -H "$cpy" -D "$admin" -y "$work/admin.pw" -f "$work/contacts.ldif"
ldapadd_secs=$secs
row "ldapadd of the $count entries dirsync writes, into an empty slapd" "$ldapadd_secs" "-"
r=$(ratio "$export_secs" "$ldapadd_secs")
row "dirsync run: full export of $count people into an empty slapd" "$export_secs" "$r x ldapadd (target <= 1.0: $(meets "$r" 1.0))"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores), load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-62s | %10s | %s\n' "work" "time" "against"
for line in "${rows[@]}"; do echo "$line"; done
