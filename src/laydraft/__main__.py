"""``python -m laydraft``: the same command line as the ``laydraft`` script."""

from .cli import main

if __name__ == "__main__":
    main()
