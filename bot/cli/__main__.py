"""`python -m bot.cli` is the `signpost` command."""
import sys

from bot.cli import main

sys.exit(main())
