#!/bin/sh
# The include order of generator/ (tests/layers.sh): a new include cycle,
# or a library's headers outside its module, fails `make test`.
set -eu
exec sh "$ROOT/tests/layers.sh"
