#!/usr/bin/env bash
# Set up the environment (idempotent, see tools/setup_env.sh), lint, then run the whole test suite.
# Extra arguments go to pytest, e.g. `bash tools/run_tests.sh -k toy -x`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}

bash tools/setup_env.sh
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
