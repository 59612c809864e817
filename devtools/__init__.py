"""Developer tools, not shipped in the wheel: retrieval evaluation, benchmark, synthetic corpora.

Run from a source checkout:

* ``python -m devtools.evaluate`` (or ``speechbot eval``): retrieval quality on the question sets
  in ``devtools/questions/`` beside the plain BM25 baseline.
* ``python -m devtools.bench``: build time, cold start, memory and latency on synthetic corpora.
"""
