"""`python -m sora_unified.cli`."""

from . import run

run()
