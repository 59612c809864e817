"""Retrieval quality on the development and blind question sets, beside a plain BM25 baseline.

``python -m devtools.evaluate`` (or ``speechbot eval`` from a source checkout) asks every
question of speechbot and of the plain baseline (every non-empty line of the raw files a chunk,
``jieba.lcut``, rank-bm25's ``BM25Okapi``, no normalisation) and prints Recall@1, Recall@3,
MRR@10 and the "nothing relevant" share per question kind, the development set beside the
blind one. The blind set was written by someone who saw neither the code nor the other sets;
nothing is tuned on it, so its figures are the ones to quote. A blind target that fails exits 1.
"""
