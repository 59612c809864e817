"""Admin commands and buttons, each checked against SPEECHBOT_ADMINS (``auth.require_admin``).

* ``auth``: the admin check on every command, button and file;
* ``buttons``: the handler of admin buttons, dispatching to the actions bot/app.py registers;
* ``reindex``: /reindex with its progress message; ``stats``: /stats;
* ``corpus``: changing the corpus folder from Telegram: uploads, /speeches, /remove.
"""
