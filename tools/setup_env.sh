#!/usr/bin/env bash
# Install every dependency of OMG-Seg into the active Python (3.11), then the package itself.
# Idempotent: a second run only checks versions. See INSTALL.md for what each step does.
#
# Environment variables:
#   MMCV_WHEEL_DIR   a folder holding a prebuilt mmcv-2.1.0 wheel (skips the build, 48 min measured on 2 cores)
#   MMCV_BUILD_DIR   where the mmcv sdist is unpacked and built (default: a temp dir)
#   PYTHON           the interpreter to install into (default: python3)
#   SKIP_TEST_DEPS=1 do not install pytest/ruff/playwright (requirements/tests.txt)
#   SETUP_LOG        where pip's own output goes (default: work_dirs/setup_env.log); the console gets one
#                    line per step, and the log's last lines if a step fails
set -euo pipefail

PYTHON=${PYTHON:-python3}
export PIP_ROOT_USER_ACTION=${PIP_ROOT_USER_ACTION:-ignore}  # we install into the active env on purpose
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SETUP_LOG=${SETUP_LOG:-$ROOT/work_dirs/setup_env.log}
mkdir -p "$(dirname "$SETUP_LOG")"
log() { printf '[setup_env] %s\n' "$*"; }
die() { printf '[setup_env] ERROR: %s\n' "$*" >&2; exit 1; }
# pip, with its output in $SETUP_LOG; on failure the log's tail is shown and the status returned.
pip_logged() {
  local status=0
  printf '\n$ pip %s\n' "$*" >>"$SETUP_LOG"
  "$PYTHON" -m pip "$@" >>"$SETUP_LOG" 2>&1 || status=$?
  if [[ $status -ne 0 ]]; then
    printf '[setup_env] pip %s failed (exit %d); the last lines of %s:\n' "$1" "$status" "$SETUP_LOG" >&2
    tail -n 25 "$SETUP_LOG" >&2
  fi
  return $status
}
PIP=(pip_logged install --disable-pip-version-check -c "$ROOT/requirements/constraints.txt")

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
  local build_dir=${MMCV_BUILD_DIR:-$(mktemp -d)}
  log "building mmcv 2.1.0 from its sdist with MMCV_WITH_OPS=1 in $build_dir (48 min measured on 2 cores,"
  log "once; progress: tail -f $SETUP_LOG)"
  download_mmcv_sdist "$build_dir"
  patch_mmcv_cxx_standard "$build_dir/mmcv-2.1.0"
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2} "${PIP[@]}" --no-build-isolation --no-deps "$build_dir/mmcv-2.1.0"
  mmcv_ok || die 'mmcv built but `mmcv.ops` does not import; see the build log above'
}

# Download and unpack the mmcv 2.1.0 sdist into $1/mmcv-2.1.0.
download_mmcv_sdist() {
  mkdir -p "$1"
  # --no-build-isolation: pip download runs mmcv's setup.py for its metadata, which imports
  # pkg_resources; an isolated build env would bring a current setuptools that no longer has it.
  pip_logged download --disable-pip-version-check --no-deps --no-binary :all: \
    --no-build-isolation -d "$1" mmcv==2.1.0
  tar -xzf "$1"/mmcv-2.1.0.tar.gz -C "$1"
}

# Switch the C++ standard in the unpacked sdist $1 to C++20 (torch 2.14's headers reject C++14/17).
patch_mmcv_cxx_standard() {
  sed -i 's/-std=c++14/-std=c++20/g; s/-std=c++17/-std=c++20/g' "$1/setup.py"
  grep -q 'c++20' "$1/setup.py" || die "could not switch mmcv's C++ standard in $1/setup.py"
  ! grep -qE -- '-std=c\+\+1[47]' "$1/setup.py" || die "C++14/17 flags remain in $1/setup.py"
}

main() {
  log "pip output goes to $SETUP_LOG"
  check_python
  # setuptools < 82 keeps pkg_resources, which mmcv's setup.py and mmengine import.
  log 'installing the build tools (setuptools<82, wheel, packaging, ninja)'
  "${PIP[@]}" 'setuptools<82' wheel packaging ninja
  install_torch
  # Before mmcv: a source-built mmcv is installed --no-deps, and importing it needs opencv and mmengine.
  log 'installing the runtime requirements'
  "${PIP[@]}" -r "$ROOT/requirements/runtime.txt"
  install_mmcv
  # panopticapi's numpy<2 pin is stale; its code runs on numpy 2.
  "${PIP[@]}" --no-deps -r "$ROOT/requirements/nodeps.txt"
  log 'installing the web demo requirements (gradio)'
  "${PIP[@]}" -r "$ROOT/requirements/demo.txt"
  "${PIP[@]}" --no-deps -r "$ROOT/requirements/demo_nodeps.txt"
  if [[ "${SKIP_TEST_DEPS:-0}" != 1 ]]; then
    log 'installing the test requirements'
    "${PIP[@]}" -r "$ROOT/requirements/tests.txt"
  fi
  log 'installing this package (editable)'
  "${PIP[@]}" --no-deps --no-build-isolation -e "$ROOT"
  (cd "$ROOT" && "$PYTHON" -c 'import seg; print("[setup_env] seg", seg.__version__, "imports fine")')
}

# Run only when executed, so that tests can source this file and call one step.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
