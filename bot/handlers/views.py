"""What replies need from the live index besides a search: short names, marks, liveness."""

from __future__ import annotations

import numpy as np

from index import SearchIndex

from ..services import Services
from ..ui.answer import AnswerView
from ..ui.marks import Marker, marker
from ..ui.names import short_names


def names(services: Services) -> dict[int, str]:
    """Speech number → short name for the live generation (worked out once per generation)."""
    snapshot = services.index.snapshot
    return services.per_generation.get(
        "short names", snapshot, lambda: short_names(snapshot.speeches.values())
    )


def marks(index: SearchIndex, query: str) -> Marker:
    """Bold for ``query``'s words with the live tokenizer's word boundaries."""
    return marker(query, index.snapshot.tokenizer)


def answer_view(services: Services, query: str, scope: str | None = None) -> AnswerView:
    """An AnswerView for ``query`` on the live index (``scope``: an optional line above)."""
    return AnswerView(names(services), marks(services.index, query), scope)


def is_live(index: SearchIndex, paragraph_id: int) -> bool:
    """Whether the paragraph belongs to the live generation (older rows stay in the database
    after a reindex, for whoever still reads them, but buttons must not show them)."""
    return bool(np.any(index.snapshot.paragraph_ids == paragraph_id))


def paragraphs_in(index: SearchIndex, speech: int) -> int:
    """How many paragraphs the live speech numbered ``speech`` has (0 when it is gone)."""
    info = index.snapshot.speeches.get(speech)
    return info.n_paragraphs if info else 0
