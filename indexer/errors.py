"""The project's exceptions; each message is written for the person running the ingest."""


class MissiveError(Exception):
    """Base of the project's errors; str() is the message a user sees."""


class IngestError(MissiveError):
    """A file cannot be ingested; the message starts with the file name."""

    letter_id: str | None = None  # the letter it stopped, when read as part of a batch
    # The library's own message, for the log (`--verbose`); never part of the one line.
    detail: str | None = None
