"""SQLite: the schema, connections, the in-memory snapshot of a generation (arrays stored raw),
SQL reads for paragraphs and outlines, the corpus fingerprint and read-only health checks."""
