"""Reindex: read the corpus, tokenise changed speeches (in a process pool when big), write them,
build the BM25 arrays and swap the new generation in with one transaction."""
