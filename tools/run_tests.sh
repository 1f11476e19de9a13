#!/usr/bin/env bash
# Set up the environment (idempotent, see tools/setup_env.sh), lint, then run the whole test suite.
# Extra arguments go to pytest, e.g. `bash tools/run_tests.sh -k toy -x`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}

bash tools/setup_env.sh

# The web demo's browser test (tests/demo/test_web_demo.py) drives Debian's chromium through playwright
# (never `playwright install`): install it with apt when it is missing and we may, then require the test.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo '[run_tests] WARNING: chromium missing and apt-get unusable here: the browser test is skipped' >&2
    return 1
  fi
  echo '[run_tests] installing chromium (apt-get) for the web demo browser test'
  local log=${SETUP_LOG:-$ROOT/work_dirs/setup_env.log}
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >>"$log" 2>&1; then
    apt-get update >>"$log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >>"$log" 2>&1 || {
      echo "[run_tests] ERROR: apt-get install chromium failed; the last lines of $log:" >&2
      tail -n 20 "$log" >&2
      exit 1
    }
  fi
}
if ensure_chromium; then export OMG_SEG_REQUIRE_BROWSER=1; fi
echo '[run_tests] ruff check'
"$PYTHON" -m ruff check seg tools tests demo
echo '[run_tests] pytest'
set +e
"$PYTHON" -m pytest "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
  echo '[run_tests] ERROR: pytest collected no tests: treating this as a failure' >&2
  exit 1
fi
exit $status
