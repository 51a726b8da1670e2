"""Run the pipeline command given as arguments and say how much memory it and its workers took.

``os.wait4`` gives the benchmark one peak for a command: the largest of the process and
every child it waited for. A build's parent and its workers peak for different reasons (the
parent holds the build's state for every bundle, a worker one job's work), so the benchmark
runs each command through this file, which, when ``BENCH_RSS`` names a file, writes there as
it exits the peak resident set of the command itself and of its largest worker, in KiB
(``getrusage``'s ``ru_maxrss`` of ``RUSAGE_SELF`` and ``RUSAGE_CHILDREN``). Workers forked by
the build end with ``os._exit`` and never write it.

Run as a script, not with ``-m``: the benchmark runs commands in the corpus's folder, where
the ``benchmarks`` package cannot be imported.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import runpy
import sys


def report(path: str) -> None:
    peaks = {"self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
             "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(peaks, handle)


def main() -> None:
    path = os.environ.get("BENCH_RSS")
    if path:
        atexit.register(report, path)
    sys.argv = ["pipeline", *sys.argv[1:]]
    sys.path.pop(0)  # this file's folder: the command sees the path `python -m pipeline` would
    runpy.run_module("pipeline", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
