class PermanentSendError(Exception):
    """LINE refused a message for good (bad request, used reply token): do not retry."""
