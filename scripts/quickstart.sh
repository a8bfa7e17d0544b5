#!/usr/bin/env bash
# The quickstart: builds dirsync, makes two sites of one organization in ./quickstart
# on the embedded SQLite store, and shows them.
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

step "Server1's recipients"
dirsync --store "$s1" recipients list
step "Server2's recipients"
dirsync --store "$s2" recipients list
