"""What users see: the text catalogue (``texts``), Telegram HTML (``render`` for everyone,
``render_admin`` for admins, primitives in ``html``), pages, keyboards, callback data, and
sending it (``replies``). Rendering is pure: it reads what it is given and writes nothing."""
