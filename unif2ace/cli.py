"""The ``unif2ace`` command line: one entry point, one verb per capability.

Each verb lives beside the code it drives and registers itself through a ``register(subparsers)``
function; this module only lists them, so ``unif2ace --help`` stays fast (verbs import their heavy
dependencies inside their handlers).
"""

from __future__ import annotations

import argparse
import importlib
import sys

# verb -> module providing ``register(subparsers)``; modules that do not exist yet are skipped.
VERB_MODULES = (
    "unif2ace.commands.info",
    "unif2ace.image_tokenizer.cli",
    "unif2ace.data.cli",
    "unif2ace.evaluation.cli",
    "unif2ace.training.cli",
    "unif2ace.commands.generate",
    "unif2ace.commands.understand",
    "unif2ace.commands.serve",
    "unif2ace.commands.demo",
)


class UserError(Exception):
    """An error caused by the user's input; printed as one line without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unif2ace",
        description="UniF²ace: understand and generate faces with one model.",
    )
    from unif2ace import __version__

    parser.add_argument("--version", action="version", version=f"unif2ace {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name in VERB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a verb whose package is not built yet
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        result = args.func(args)
    except (UserError, FileNotFoundError, ValueError) as exc:
        print(f"unif2ace {args.verb}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
