"""Benchmarks: a corpus generator and the ``make bench`` runner (docs/performance.md)."""
