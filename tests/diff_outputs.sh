#!/usr/bin/env bash
# Runs every shipped config (strategies/*.toml) with two rotor binaries and compares all output
# files (report.txt, stats.json, config.toml and every *.parquet, compared by content).
#
#   tests/diff_outputs.sh OLD_ROTOR NEW_ROTOR
#
# Exit 0 when every file is identical, 1 otherwise (the differing files are listed). Parquet
# files are compared row by row through pyarrow when it is installed, byte for byte otherwise.
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for cfg in "$here"/strategies/*.toml; do
    name=$(basename "$cfg" .toml)
    for side in old new; do
        bin=$old
        [ "$side" = new ] && bin=$new
        "$bin" run "$cfg" --out "$work/$side/$name" --quiet >/dev/null
    done
    for f in "$work/old/$name"/*; do
        base=$(basename "$f")
        g="$work/new/$name/$base"
        if [ ! -e "$g" ]; then
            echo "$name/$base: missing in the new output"; status=1; continue
        fi
        case "$base" in
        config.toml)
            # Holds absolute paths of the run: compare without them.
            same=$(diff <(sed "s#$work/old#X#" "$f") <(sed "s#$work/new#X#" "$g") >/dev/null && echo y || echo n) ;;
        *.parquet)
            if python3 -c 'import pyarrow' 2>/dev/null; then
                same=$(python3 - "$f" "$g" <<'PY'
import sys, pyarrow.parquet as pq
a, b = (pq.read_table(p) for p in sys.argv[1:3])
print("y" if a.equals(b) else "n")
PY
)
            else
                same=$(cmp -s "$f" "$g" && echo y || echo n)
            fi ;;
        *)
            same=$(cmp -s "$f" "$g" && echo y || echo n) ;;
        esac
        if [ "$same" = y ]; then
            echo "$name/$base: identical"
        else
            echo "$name/$base: DIFFERS"; status=1
        fi
    done
done
exit $status
