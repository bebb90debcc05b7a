class StudioError(Exception):
    """A user-facing problem: the message is one clear sentence, shown without a traceback."""
