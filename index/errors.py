"""Why the index cannot do what was asked."""

from __future__ import annotations


class IndexUnavailable(RuntimeError):
    """The index cannot serve: no database, no corpus, or a broken file."""


class ReindexBusy(RuntimeError):
    """A reindex is already running."""


class BuildError(RuntimeError):
    """A reindex failed; the live index is untouched."""
