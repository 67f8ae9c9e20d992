"""Run openapi-python-client's `generate` once per argument list, all in this one interpreter.

    python tools/generator/run.py '[["generate", "--path", ...], ["generate", ...]]'

Importing the generator is three quarters of a one-spec run, and tools/generate.py builds seven
clients: one process for all of them instead of one each. Each run is the command line's own
(`app(args)`); the first that fails stops the rest, with the generator's messages on stderr and
the failing spec named. The output equals a separate process's: `make check-generated` compares
it with generated/, written the same way.
"""

from __future__ import annotations

import json
import sys

from openapi_python_client.cli import app

# The last line of a failed run: tools/generate.py names the spec from it.
FAILED_ON = "openapi-python-client failed on "


def main(argv: list[str]) -> int:
    for args in json.loads(argv[0]):
        code = app(args, prog_name="openapi-python-client", standalone_mode=False)
        if code:  # a click Exit in non-standalone mode comes back as its exit code
            spec = args[args.index("--path") + 1]
            print(f"{FAILED_ON}{spec}", file=sys.stderr)
            return int(code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
