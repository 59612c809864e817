"""Questions: what a question names (speech, part, point, English words), its units and their
expansions (synonyms, fallback for unknown words), and the coverage gate that decides relevance.

``data/`` holds the synonyms and the English glossary (read at query time only: no reindex).
"""
