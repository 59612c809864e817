"""Handlers for everyone: each reads the update, asks the index, renders (bot/ui) and replies.

* ``questions``: a question as a message or /search, answered with the best passages;
* ``browse``: /outline and every button under answers, outlines and sections;
* ``inline``: ``@bot 问题`` in any chat;
* ``info``: /start, /help, /about and unknown commands.
"""
