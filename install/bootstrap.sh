#!/usr/bin/env bash
# Create or update .venv from the project's own files: bootstrap.sh [EXTRA]
# Idempotent and fast when nothing changed: a stamp records the hash of what was installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
extra="${1:-}"
venv="$root/.venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  echo "casebook: creating $venv" >&2
  "$python" -m venv "$venv"
fi
if [ ! -x "$venv/bin/uv" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv>=0.4"
fi

want="$(cat pyproject.toml install/overrides.txt install/bootstrap.sh | sha256sum | cut -c1-16)-${extra:-base}"
stamp="$venv/.casebook-installed"
if [ -f "$stamp" ] && grep -qx -- "$want" "$stamp"; then
  exit 0
fi
spec="."
[ -n "$extra" ] && spec=".[$extra]"
echo "casebook: installing $spec into $venv" >&2
VIRTUAL_ENV="$venv" "$venv/bin/uv" pip install --quiet --python "$venv/bin/python" \
  --compile-bytecode --override install/overrides.txt -e "$spec"
# Bytecode for everything, compiled once here: where PYTHONDONTWRITEBYTECODE is set, Python
# never caches it and every import recompiles from source (a cold report 3x slower).
# compileall skips what is already up to date.
"$venv/bin/python" -m compileall -q -j 0 "$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" lib >/dev/null \
  || echo "casebook: some files did not compile; Python compiles them on import" >&2
# A stamp for this extra; the base install is implied by any extra.
echo "$want" >> "$stamp"
if [ -n "$extra" ]; then echo "${want%-*}-base" >> "$stamp"; fi
