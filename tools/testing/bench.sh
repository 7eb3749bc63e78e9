#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: our modules against the stock in-tree ones, side by side in
# one VM (tools/testing/selftests/vfio/bench/bench.sh alternates the two
# stacks).  Prints the median of each metric per stack and the ratio
# stock/ours: above 1 means ours is faster.  Software emulation makes the
# absolute times meaningless; the ratios are what we report.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
B="$root/build"

"$root/scripts/deps.sh" x86
"$root/scripts/build-modules.sh" "$B/x86-stock" x86
make -s -C "$root/tools/testing/selftests/vfio" O="$B/selftests/x86" >/dev/null 2>&1 ||
	make -C "$root/tools/testing/selftests/vfio" O="$B/selftests/x86"
mkdir -p "$B/bench"
"$root/tools/testing/vm/run.sh" --kernel stock --stack ours \
	--ours "$B/x86-stock/src" --tests "$B/selftests/x86" \
	--list "$B/selftests/x86/bench.list" --timeout 1800 --mem 3G \
	--logdir "$B/bench" >"$B/bench/run.log" 2>&1 || {
	tail -n 40 "$B/bench/run.log"
	echo "bench: the VM run failed (logs in $B/bench)"
	exit 1
}
grep -h '^BENCH_ERROR' "$B/bench/tests-stock-ours.log" && exit 1
sed 's/\r$//' "$B/bench/tests-stock-ours.log" | awk '
	/^BENCH stack=/ {
		split($2, s, "="); key = $3; st = s[2]
		v[st, key, ++n[st, key]] = $4; keys[key] = 1
	}
	function median(st, key,   i, j, t, c, a) {
		c = n[st, key]
		for (i = 1; i <= c; i++) a[i] = v[st, key, i]
		for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
	}
	END {
		for (k in keys) {
			ms = median("stock", k); mo = median("ours", k)
			printf "%-22s %10.2f %10.2f %8.2f  n=%d\n", k, ms, mo, (mo > 0 ? ms / mo : 0), n["ours", k]
		}
	}' | sort >"$B/bench/dma.txt"
grep -h '^# hugepages' "$B/bench/tests-stock-ours.log" | sed 's/\r$//'
printf "%-22s %10s %10s %8s %s\n" "metric" "stock" "ours" "ratio" \
	"(medians, unit at the end of the name; ratio = stock/ours, above 1 = ours faster)"
cat "$B/bench/dma.txt"
