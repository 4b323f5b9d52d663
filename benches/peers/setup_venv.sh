#!/usr/bin/env bash
# Makes the peers' virtual env (default target/peers-venv) and installs the pinned peers.
# Usage: benches/peers/setup_venv.sh [VENV_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${1:-$root/target/peers-venv}"
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
"$venv/bin/python" -m pip freeze > "$venv/freeze.txt"
echo "peers venv ready: $venv"
