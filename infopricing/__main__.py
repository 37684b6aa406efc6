"""``python -m infopricing``: the command line (same as the ``infopricing`` script)."""

from .cli import main

main()
