"""Talking to the Bot API: safe retries (``retry``) over a bounded HTTP client (``transport``),
and webhook mode's own server (``webhook``) with ``/healthz`` (``health``)."""
