"""Ranking: BM25 equal to rank-bm25's over CSR postings, its numpy helpers, and turning ranked
rows into hits (near-duplicates dropped). Another retriever (a dense one) belongs here too."""
