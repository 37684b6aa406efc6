"""Exceptions raised by infopricing."""


class InfopricingError(Exception):
    """Base class of the library's own errors."""


class SolverError(InfopricingError):
    """A solver did not return a usable answer (error, limit, inaccurate)."""


class ModelFileError(InfopricingError, ValueError):
    """A model file could not be read; carries the file, the field and the reason."""

    def __init__(self, path, field, reason):
        self.path = str(path)
        self.field = field
        self.reason = reason
        where = f"{self.path}" + (f": field '{field}'" if field else "")
        super().__init__(f"{where}: {reason}")


class SchedulerUnreachable(InfopricingError, ConnectionError):
    """A Dask scheduler given by address did not answer (raised before anything is written;
    the command line reports it as an input mistake, unlike a connection lost mid-run)."""
