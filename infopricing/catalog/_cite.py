"""Attach a source citation to a catalogue builder."""


def cite(source: str):
    """Decorator recording ``source`` (paper and location) on a builder as ``.source``."""
    def mark(fn):
        fn.source = source
        fn.__doc__ = (fn.__doc__ or "") + f"\n\n    References\n    ----------\n    {source}.\n"
        return fn
    return mark
