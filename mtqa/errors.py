"""The one exception type for anything a user can cause."""


class MtqaError(Exception):
    """Bad input or a bad option; the CLI prints it on one line and exits with 2."""


class UsageError(MtqaError):
    """A bad option or argument: the CLI points to the command's own help, as for click's usage errors."""
