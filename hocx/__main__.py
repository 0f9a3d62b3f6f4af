"""``python -m hocx``: the same as the ``hocx`` console script."""
import sys

from .cli import main

sys.exit(main())
