"""`growthmap` in a child process that reports its own peak RSS when it exits.

The parent's `ru_maxrss` of a child is no good here: Linux carries the resident-size
high-water mark across fork and exec, so a child of the benchmark (which holds the fake
servers' worlds) would report the parent's size. `VmHWM` in /proc/self/status belongs
to the process image after exec, i.e. to growthmap alone.
"""

from __future__ import annotations

import atexit
import os
import resource
import sys
from pathlib import Path

RSS_FILE_ENV = "GROWTHMAP_BENCH_RSS_FILE"


def peak_rss_kib() -> int:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux; bytes on macOS


def _report() -> None:
    target = os.environ.get(RSS_FILE_ENV)
    if target:
        Path(target).write_text(str(peak_rss_kib()), encoding="utf-8")


if __name__ == "__main__":
    atexit.register(_report)
    from collector.cli import main

    sys.argv[0] = "growthmap"
    main()
