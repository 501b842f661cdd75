"""`python -m bench [--quick] [--runs N] [--concurrency N] [--startup-samples N]
[--read-only-bytecode] [--json FILE]`."""

from __future__ import annotations

import sys


def _main() -> int:
    # Only light modules before the switches are set: the Agents SDK and LiteLLM read
    # them while they are imported, and so does Python its bytecode settings.
    from bench.environment import apply_switches, private_bytecode_cache
    from bench.options import parse_options

    apply_switches()
    options = parse_options(sys.argv[1:])
    with private_bytecode_cache(read_only_children=options.read_only_bytecode):
        from bench.suite import main

        return main(options)


if __name__ == "__main__":
    sys.exit(_main())
