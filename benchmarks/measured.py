"""Run the pipeline command given as arguments and say how much memory it and its workers took.

``os.wait4`` gives the benchmark one peak for a command: the largest of the process and
every child it waited for. A build's parent and its workers peak for different reasons (the
parent holds the build's state for every bundle, a worker one job's work), so the benchmark
runs each command through this file, which, when ``BENCH_RSS`` names a file, writes there as
it exits the peak resident set of the command itself and of its largest worker, in KiB
(:func:`own_peak_kb`, and ``getrusage``'s ``ru_maxrss`` of ``RUSAGE_CHILDREN``). Workers forked by
the build end with ``os._exit`` and never write it.

Run as a script, not with ``-m``: the benchmark runs commands in the corpus's folder, where
the ``benchmarks`` package cannot be imported. A build's workers are started by a fork server
(pipeline/build.py): they are counted once it is stopped and waited for (:func:`stop_fork_server`).
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import runpy
import sys


def own_peak_kb() -> int:
    """This process's peak resident set, in KiB: the kernel's high-water mark of its own memory
    (``VmHWM``), where there is one.

    Not ``ru_maxrss`` of ``RUSAGE_SELF``: Linux carries a process's peak across ``exec``, so the
    command started by the benchmark reported at least the benchmark's own peak at the time
    (67 MB at 1,000 x 20, once it had generated the corpus; a command that took 29 MB said 67).
    A forked worker's ``ru_maxrss`` is its own, which ``RUSAGE_CHILDREN`` gives."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def stop_fork_server() -> None:
    """Stop the build's fork server and wait for it. It waits for the workers it forked, so the
    kernel counts their peaks in its own, and, once this process waits for it, in this process's
    ``RUSAGE_CHILDREN``; left to end on its own, neither it nor its workers would be counted."""
    try:
        from multiprocessing import forkserver

        server = forkserver._forkserver  # the process's one fork server, if it started one
        if getattr(server, "_forkserver_pid", None) is not None:
            server._stop()
    except Exception:  # noqa: BLE001 - another Python's internals: the workers go unmeasured
        pass


def report(path: str) -> None:
    stop_fork_server()
    peaks = {"self_kb": own_peak_kb(), "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}
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
