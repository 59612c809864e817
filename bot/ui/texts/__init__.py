"""The catalogue: every string the bot shows on Telegram, in Chinese and English.

Change a reply's wording here and nowhere else. Each entry is a :class:`Text` (``zh``, ``en``):
``texts.NOT_ADMIN(english)`` gives the string in the reader's language,
``texts.PASSAGE_POSITION(english, n=3, total=7)`` fills in a template. Chinese is what everyone
sees unless their Telegram ``language_code`` starts with ``en`` (``is_english``); button labels
too (only the admin prompts' 确认/取消 stay Chinese). Log messages are not user-facing and stay in the code, in English.

One catalogue, filed by who reads it; every entry is available here as ``texts.NAME``:

* ``chat.py``: everyone: help, the command menu, answers, browsing, refusals and errors;
* ``admin.py``: /reindex, /stats, /speeches, /remove and the admin buttons;
* ``replies.py``: answer-first replies, browsing buttons, stale buttons and limits (issue 15);
* ``corpus.py``: speech files sent by admins (checks, preview, saving) and undone corpus changes;
* ``terminal.py``: what ``speechbot ask`` and ``outline`` print around the speeches' text.
"""

from .admin import *
from .base import Phrase as Phrase
from .base import Text as Text
from .base import is_english as is_english
from .base import said as said
from .base import say as say
from .base import spelled_pairs as spelled_pairs
from .chat import *
from .corpus import *
from .replies import *
from .terminal import *
