#!/usr/bin/env bash
# Install every dependency of OMG-Seg into the active Python (3.11), then the package itself.
# Idempotent: a second run only checks versions. See INSTALL.md for what each step does.
#
# Environment variables:
#   MMCV_WHEEL_DIR   a folder holding a prebuilt mmcv-2.1.0 wheel (skips the 30-60 min build)
#   MMCV_BUILD_DIR   where the mmcv sdist is unpacked and built (default: a temp dir)
#   PYTHON           the interpreter to install into (default: python3)
#   SKIP_TEST_DEPS=1 do not install pytest/ruff (requirements/tests.txt)
set -euo pipefail

PYTHON=${PYTHON:-python3}
export PIP_ROOT_USER_ACTION=${PIP_ROOT_USER_ACTION:-ignore}  # we install into the active env on purpose
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PIP=("$PYTHON" -m pip install --quiet --disable-pip-version-check)
log() { printf '[setup_env] %s\n' "$*"; }
die() { printf '[setup_env] ERROR: %s\n' "$*" >&2; exit 1; }

py_ok() { "$PYTHON" - "$@" >/dev/null 2>&1; }

check_python() {
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
    || log "WARNING: tested with Python 3.11, found $("$PYTHON" -V 2>&1)"
}

# torch + torchvision: keep a working pair the user already has inside the supported range.
install_torch() {
  if py_ok <<'PY'
import torch, torchvision
from packaging.version import Version
v = Version(torch.__version__.split('+')[0])
assert Version('2.1') <= v <= Version('2.14.1'), v
torchvision.ops.nms  # a mismatched pair fails here
PY
  then
    log "torch $("$PYTHON" -c 'import torch; print(torch.__version__)') already installed: kept"
  else
    log 'installing torch==2.14.1 torchvision==0.29.1'
    "${PIP[@]}" -r "$ROOT/requirements/torch.txt"
  fi
}

mmcv_ok() {
  py_ok <<'PY'
import mmcv, mmcv.ops
assert mmcv.__version__ == '2.1.0', mmcv.__version__
from mmcv.ops import MultiScaleDeformableAttention  # compiled ops present
PY
}

# mmcv 2.1.0 with compiled ops: no wheel for current torch on the registry, so build the sdist
# with -std=c++20 (torch >= 2.10 headers need it; mmcv's setup.py asks for c++17).
install_mmcv() {
  if mmcv_ok; then log 'mmcv 2.1.0 with ops already installed: kept'; return; fi
  if [[ -n "${MMCV_WHEEL_DIR:-}" ]]; then
    log "installing mmcv 2.1.0 from the wheel folder $MMCV_WHEEL_DIR"
    # --find-links, not --no-index: mmcv's own dependencies (addict, yapf, ...) come from the registry.
    "${PIP[@]}" --no-build-isolation --find-links "$MMCV_WHEEL_DIR" --only-binary mmcv mmcv==2.1.0 \
      && mmcv_ok && return
    log "no usable wheel in $MMCV_WHEEL_DIR: building from source instead"
  fi
  log 'building mmcv 2.1.0 from its sdist with MMCV_WITH_OPS=1 (30-60 minutes on 2 cores, once)'
  local build_dir=${MMCV_BUILD_DIR:-$(mktemp -d)}
  mkdir -p "$build_dir"
  # --no-build-isolation: pip download runs mmcv's setup.py for its metadata, which imports
  # pkg_resources; an isolated build env would bring a current setuptools that no longer has it.
  "$PYTHON" -m pip download --disable-pip-version-check --no-deps --no-binary :all: \
    --no-build-isolation -d "$build_dir" mmcv==2.1.0
  tar -xzf "$build_dir"/mmcv-2.1.0.tar.gz -C "$build_dir"
  local src="$build_dir/mmcv-2.1.0"
  sed -i 's/-std=c++14/-std=c++20/g; s/-std=c++17/-std=c++20/g' "$src/setup.py"
  grep -q 'c++20' "$src/setup.py" || die "could not switch mmcv's C++ standard in $src/setup.py"
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2} "${PIP[@]}" --no-build-isolation --no-deps "$src"
  mmcv_ok || die 'mmcv built but `mmcv.ops` does not import; see the build log above'
}

main() {
  check_python
  # setuptools < 82 keeps pkg_resources, which mmcv's setup.py and mmengine import.
  "${PIP[@]}" 'setuptools<82' wheel packaging ninja
  install_torch
  install_mmcv
  log 'installing the runtime requirements'
  "${PIP[@]}" -r "$ROOT/requirements/runtime.txt"
  # panopticapi's numpy<2 pin is stale; its code runs on numpy 2.
  "${PIP[@]}" --no-deps -r "$ROOT/requirements/nodeps.txt"
  if [[ "${SKIP_TEST_DEPS:-0}" != 1 ]]; then "${PIP[@]}" -r "$ROOT/requirements/tests.txt"; fi
  "${PIP[@]}" --no-deps --no-build-isolation -e "$ROOT"
  (cd "$ROOT" && "$PYTHON" -c 'import seg; print("[setup_env] seg", seg.__version__, "imports fine")')
}

main "$@"
