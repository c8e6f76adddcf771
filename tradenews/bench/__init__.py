"""Benchmark support: a generator of genre-realistic articles (generate.py) and the harness (run.py).

Nothing here is imported by the pipeline; `tradenews bench` (or `make bench`) runs the harness.
"""
