"""The bot's own tables in the speechbot database, beside the index's.

* ``questions``: button state that survives restarts, and the question log for /stats;
* ``uploads``: speech files admins sent, waiting for their 确认;
* ``context``: what a follow-up question leans on, per chat (per user in groups).

A read-only or full database costs these features, never an answer.
"""

from .context import CONTEXT_TTL, FollowUps, context_key
from .questions import BotState, Stats, StoredQuery, user_hash
from .uploads import PendingUpload, PendingUploads

__all__ = [
    "CONTEXT_TTL",
    "BotState",
    "FollowUps",
    "PendingUpload",
    "PendingUploads",
    "Stats",
    "StoredQuery",
    "context_key",
    "user_hash",
]
