"""The speechbot Telegram application and command line."""
