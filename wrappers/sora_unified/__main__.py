"""`python -m sora_unified`: the `sora-unified` command."""

from .cli import main

raise SystemExit(main())
