"""Text: normalisation (NFKC, traditional → simplified), jieba/rjieba tokens, highlighting.

``data/`` holds the tokenizer's word lists (the domain user dictionary and the stopwords):
changing them changes the tokens of the corpus, so the next start re-tokenises it.
"""
