#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (as a /tests/list entry): alternates the stock
# and our VFIO stack, ROUNDS times, running each benchmark under both, so
# both see the same machine state.  Output: "BENCH stack=S metric value"
# lines for tools/testing/bench.sh to reduce to medians and ratios.
ROUNDS=${1:-3}
SIZE_MIB=${2:-1024}

stack_load() {
	for m in $(cat "/lib/modules/$1/order"); do
		insmod "/lib/modules/$1/$m.ko" || return 1
	done
}

stack_unload() {
	for m in $(tac "/lib/modules/$1/order" 2>/dev/null || sed '1!G;h;$!d' "/lib/modules/$1/order"); do
		rmmod "$m" || return 1
	done
}

echo $((SIZE_MIB / 2)) >/proc/sys/vm/nr_hugepages
echo "# hugepages: $(cat /proc/sys/vm/nr_hugepages)," \
	"THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
echo "TAP version 13"
echo "1..1"
status=0
round=1
while [ $round -le "$ROUNDS" ]; do
	for stack in stock ours; do
		stack_load $stack || { echo "# loading $stack failed"; status=1; break 2; }
		for kind in anon anon4k huge; do
			/tests/dma_map_bench $kind "$SIZE_MIB" 1 | sed "s/^BENCH /BENCH stack=$stack /" || status=1
		done
		# interrupts: edu MSI to eventfd round trip (3 batches of 500)
		/tests/irq_bench 3 500 | sed "s/^BENCH /BENCH stack=$stack /" || status=1
		# device fd open + close of the edu (3 batches of 200)
		/tests/open_bench 3 200 | sed "s/^BENCH /BENCH stack=$stack /" || status=1
		# config space and regions: BAR and config accesses through the
		# fd, ivshmem's 1 GiB BAR mapped (first access, every page)
		/tests/bar_bench 3 | sed "s/^BENCH /BENCH stack=$stack /" || status=1
		stack_unload $stack || { echo "# unloading $stack failed"; status=1; break 2; }
	done
	round=$((round + 1))
done
if [ $status = 0 ]; then echo "ok 1 bench"; else echo "not ok 1 bench"; fi
exit $status
