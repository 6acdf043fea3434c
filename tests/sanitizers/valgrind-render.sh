#!/bin/sh
# Runs `reportgen render` under valgrind.  The sample's verdict decides exit
# 0 or 1 (both fine here); valgrind's own findings exit 9 and fail the test.
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--suppressions="$(dirname "$0")/valgrind.supp" "$@"
rc=$?
[ "$rc" -le 1 ] || { echo "valgrind or render failed: exit $rc" >&2; exit 1; }
