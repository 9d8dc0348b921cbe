#!/bin/bash
# claim.sh DIR OWNER/NAME COLLECTOR: takes a repository for one collector of a round whose work folder is DIR
# (DIR/used-repos.txt: one owner/name a line, every repository an earlier round used or examined;
# DIR/claims.txt: "owner/name collector" lines). Prints OK when it is this collector's, else why not (exit 1).
dir="$1"; repo="$2"; who="$3"
touch "$dir/claims.txt"
if grep -qix "$repo" "$dir/used-repos.txt" 2>/dev/null; then echo "USED (an earlier round)"; exit 1; fi
flock "$dir/claims.txt" -c "grep -qi '^$repo ' '$dir/claims.txt' || echo '$repo $who' >> '$dir/claims.txt'"
line=$(grep -i "^$repo " "$dir/claims.txt" | head -1)
if [ "$line" = "$repo $who" ]; then echo OK; else echo "TAKEN: $line"; exit 1; fi
