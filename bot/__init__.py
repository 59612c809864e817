"""The speechbot Telegram application and command line.

Imports go one way: bot → index → corpus (their public ``__init__`` APIs only), and inside bot
handlers/admin → ui/services → state/settings, never back (tests/test_bot_layout.py checks it).

* ``app``: the one wiring: every handler and admin button, ``Defaults(parse_mode=HTML)``, serving;
* ``services`` (typed ``bot_data``), ``settings`` (the environment), ``state`` (the bot's tables);
* ``handlers``: what everyone can do: questions, browsing buttons, inline mode, help;
* ``admin``: the admin check, /reindex, /stats, and the corpus: uploads, /speeches, /remove;
* ``ui``: every user-facing string (``ui/texts``), rendering, keyboards, callback data;
* ``net``: Bot API retries, the bounded HTTP client, the webhook server;
* ``cli``, ``check``, ``terminal``: the ``speechbot`` command, ``speechbot check``, CLI output.
"""
