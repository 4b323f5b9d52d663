#!/usr/bin/env bash
# Builds rotor, writes the benchmark data, makes the peers' venv, then runs rotor and the peers
# back to back and prints the table of ratios (benches/README.md).
#
#   benches/peers/run_all.sh [--quick] [--cli-sweep-symbols N]
#
# --quick: time backtrader on 100,000 bars and scale x10 instead of the full file (~3+ minutes).
# Env: ROTOR_BENCH_DATA (default target/bench-data), PEERS_VENV (default target/peers-venv),
# CARGO_TARGET_DIR (where the binaries are built, default target).
# Exits non-zero only if a peer's trades or final equity differ from rotor's, never on time.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
data="${ROTOR_BENCH_DATA:-$root/target/bench-data}"
venv="${PEERS_VENV:-$root/target/peers-venv}"
bin="${CARGO_TARGET_DIR:-$root/target}/release"
cargo build --release --quiet --bin rotor --example bench_data --example bench_e2e
"$bin/examples/bench_data" --out "$data"
benches/peers/setup_venv.sh "$venv" >&2
exec "$venv/bin/python" benches/peers/run_all.py --data "$data" \
    --rotor "$bin/rotor" --e2e "$bin/examples/bench_e2e" \
    --python "$venv/bin/python" "$@"
