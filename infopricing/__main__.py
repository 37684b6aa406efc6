"""``python -m infopricing``: the same command line as the ``infopricing`` script."""

from .cli import main

if __name__ == "__main__":
    main()
