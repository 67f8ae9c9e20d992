"""`python -m sora_unified.cli`."""

from . import main

raise SystemExit(main())
