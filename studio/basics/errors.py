"""The one error type a user sees (every layer raises it; the CLI and the window show its message)."""


class StudioError(Exception):
    """A user-facing problem: the message is one clear sentence, shown without a traceback."""
