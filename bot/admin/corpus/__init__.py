"""Changing the corpus from Telegram, one change at a time, undone when the index update fails.

The upload flow: ``uploads.on_document`` checks the file (``documents``), parses it and shows a
preview; the bytes wait in ``bot_uploads`` (bot/state/uploads.py) until the uploader presses
确认/替换 (``uploads.confirm``) or 取消 (``uploads.cancel``); ``changes.apply_change`` writes the
folder and reindexes. ``speeches`` lists what is indexed (/speeches); ``remove`` is /remove N.
"""
