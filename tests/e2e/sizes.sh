#!/bin/sh
# Sizes of generator/ (tests/tools/sizes.py): a file over 1,000 lines or a
# function over 120, without a "Long:" reason beside it, fails `make test`.
set -eu
exec python3 "$ROOT/tests/tools/sizes.py" "$ROOT"
