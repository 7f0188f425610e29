#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. The autograder
# zip holds this file, run_autograder, and one of:
#   bin/sagac   a sagac binary built for Linux x86_64 (`cargo build-static` in sagac's source,
#               then copy target/release/sagac): nothing to build here;
#   sagac-src/  a copy of sagac's source: built here with a Rust toolchain from rustup.
# Optionally rubric.yaml: a rubric of your own instead of the built-in `order-saga`.
set -euo pipefail
src=/autograder/source
if [ -x "$src/bin/sagac" ]; then
  "$src/bin/sagac" --version
  exit 0
fi
if [ ! -d "$src/sagac-src" ]; then
  echo "setup.sh: put bin/sagac or sagac-src/ in the autograder zip" >&2
  exit 1
fi
apt-get update -q
apt-get install -y -q --no-install-recommends curl ca-certificates build-essential
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
# Linked statically: each submission's `sagac` starts in about half the time (the figures are
# in sagac's docs/performance.md). `--target` keeps the flags off the build's proc macros.
host=$("$HOME/.cargo/bin/rustc" -vV | sed -n 's/^host: //p')
RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static" \
  "$HOME/.cargo/bin/cargo" install --locked --path "$src/sagac-src" --root "$src" --target "$host"
"$src/bin/sagac" --version
