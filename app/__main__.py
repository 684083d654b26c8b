"""``python -m app`` does what ``labassess`` does."""

import sys

from app.cli.main import main

sys.exit(main())
