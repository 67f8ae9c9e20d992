"""`python -m sora_unified`: the `sora-unified` command."""

from .cli import run

run()
