"""Benchmarks at archive scale: a synthetic archive generator and the comparison runner.

`python -m benchmarks.generate` writes the archive, `python -m benchmarks.run` measures
Missive against SQLite FTS5 and Datasette on it, `python -m benchmarks.profile` shows
where the time goes.  See benchmarks/README.md.
"""
