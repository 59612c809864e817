"""The bot's own tables in the speechbot database, beside the index's.

* ``questions``: button state that survives restarts, and the question log for /stats;
* ``uploads``: speech files admins sent, waiting for their 确认.

A read-only or full database costs these features, never an answer.
"""

from .questions import BotState, Stats, StoredQuery, user_hash
from .uploads import PendingUpload, PendingUploads

__all__ = ["BotState", "PendingUpload", "PendingUploads", "Stats", "StoredQuery", "user_hash"]
