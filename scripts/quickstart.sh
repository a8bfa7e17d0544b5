#!/usr/bin/env bash
# The quickstart: builds dirsync, makes two sites of one organization in ./quickstart
# on the embedded SQLite store, and runs the EDK DIRSYNC walkthrough between them:
# full exports both ways, then incremental adds, renames and deletes, then a replay.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build src/DirSync.Cli -c Release -v quiet -nologo >/dev/null
dirsync() { dotnet src/DirSync.Cli/bin/Release/net10.0/dirsync.dll "$@"; }

rm -rf quickstart
mkdir -p quickstart
s1=quickstart/server1.db
s2=quickstart/server2.db

step() { printf '\n== %s\n' "$*"; }

step "Two stores: Server1 on Site1 and Server2 on Site2 of Testorg"
dirsync --store "$s1" init --org Testorg --site Site1 --server Server1
dirsync --store "$s2" init --org Testorg --site Site2 --server Server2

step "Mailboxes 11, 12, 13 on Server1 and 21, 22 on Server2"
for n in 11 12 13; do dirsync --store "$s1" mailbox add "Mailbox$n" --display-name "Mailbox $n"; done
for n in 21 22; do dirsync --store "$s2" mailbox add "Mailbox$n" --display-name "Mailbox $n"; done

step "INSTANCE1 exports Server1's mailboxes (Common-Name, Display-Name) to SYNC1; INSTANCE2 imports SYNC1 on Server2"
dirsync --store "$s1" instance set INSTANCE1 --export --file quickstart/SYNC1 --attributes Common-Name,Display-Name
dirsync --store "$s2" instance set INSTANCE2 --import --file quickstart/SYNC1
step "INSTANCE3 exports Server2's mailboxes to SYNC2; INSTANCE4 imports SYNC2 on Server1"
dirsync --store "$s2" instance set INSTANCE3 --export --file quickstart/SYNC2 --attributes Common-Name,Display-Name
dirsync --store "$s1" instance set INSTANCE4 --import --file quickstart/SYNC2

step "Full exports both ways (DIRSYNC /EXPFULL INSTANCE1, DIRSYNC INSTANCE2, ...)"
dirsync --store "$s1" run INSTANCE1 --full
dirsync --store "$s2" run INSTANCE2
dirsync --store "$s2" run INSTANCE3 --full
dirsync --store "$s1" run INSTANCE4

step "Server2 now lists Server1's mailboxes as custom recipients"
dirsync --store "$s2" recipients list

step "On Server1: add Mailbox14, rename Mailbox12's display name, delete Mailbox11"
dirsync --store "$s1" mailbox add Mailbox14 --display-name "Mailbox 14"
dirsync --store "$s1" mailbox set Mailbox12 --display-name "Mailbox Twelve"
dirsync --store "$s1" mailbox remove Mailbox11

step "Incremental: INSTANCE1 carries exactly those three changes, INSTANCE2 applies them"
dirsync --store "$s1" run INSTANCE1
dirsync --store "$s2" run INSTANCE2 --dry-run
dirsync --store "$s2" run INSTANCE2

step "The same the other way: add Mailbox23, rename Mailbox22, delete Mailbox21 on Server2"
dirsync --store "$s2" mailbox add Mailbox23 --display-name "Mailbox 23"
dirsync --store "$s2" mailbox set Mailbox22 --display-name "Mailbox Twenty-Two"
dirsync --store "$s2" mailbox remove Mailbox21
dirsync --store "$s2" run INSTANCE3
dirsync --store "$s1" run INSTANCE4

step "Replaying a file changes nothing"
dirsync --store "$s1" run INSTANCE4

step "Server1's recipients"
dirsync --store "$s1" recipients list
step "Server2's recipients"
dirsync --store "$s2" recipients list
step "INSTANCE2 as the original's /DISPLAY showed it"
dirsync --store "$s2" instance show INSTANCE2
