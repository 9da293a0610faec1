"""The ``unif2ace`` command line: one entry point, one verb per capability.

Each verb lives beside the code it drives and registers itself through a ``register(subparsers)``
function; this module only lists them, so ``unif2ace --help`` stays fast (verbs import their heavy
dependencies inside their handlers).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

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


# Errors that describe the input or the machine, not a bug: the message says what to do. ValueError covers
# validation.InvalidInput and CheckpointError; OSError missing/unreadable files, full disks, permissions;
# MemoryError too large a request; ImportError a missing optional package (the message names the extra).
# Anything else is a bug and keeps its traceback.
KNOWN_ERRORS = (UserError, ValueError, OSError, MemoryError, ImportError)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, MemoryError):
        text = f"out of memory{': ' + text if str(exc) else ''}; use fewer or smaller inputs"
    return text


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one line (and exit 2), like every other error; the verbs' parsers inherit it."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="unif2ace",
        description="UniF²ace: understand and generate faces with one model.",
    )
    from unif2ace import __version__

    parser.add_argument("--version", action="version", version=f"unif2ace {__version__}")
    _add_verbosity(parser, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name in VERB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a verb whose package is not built yet
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(sub)
    for verb in _leaf_parsers(parser):  # -v/-q after the verb too: unif2ace generate … -q
        _add_verbosity(verb, argparse.SUPPRESS)
        verb.formatter_class = _DefaultsHelpFormatter
        for action in verb._actions:  # argparse prints no help line for an option without help text
            if action.option_strings and action.help is None and _shows_default(action):
                action.help = "(default: %(default)s)"
    return parser


def _shows_default(action: argparse.Action) -> bool:
    return bool(action.option_strings) and not any(action.default is x for x in (None, False, True, argparse.SUPPRESS))


class _DefaultsHelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default, unless the help already states it (or there is none)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if _shows_default(action) and "default" not in text:
            text += (" " if text else "") + "(default: %(default)s)"
        return text


def _add_verbosity(p: argparse.ArgumentParser, default) -> None:
    """-v (debug messages) and -q (no progress bars, warnings only), unless the parser has its own."""
    taken = p._option_string_actions
    if "-v" not in taken and "--verbose" not in taken:
        p.add_argument("-v", "--verbose", action="count", default=default, dest="log_verbose",
                       help="more messages (debug)")
    if "-q" not in taken and "--quiet" not in taken:
        p.add_argument("-q", "--quiet", action="store_true", default=default, dest="log_quiet",
                       help="no progress bars; only warnings and errors on stderr")


def _leaf_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # aliases map to the same parser
                out += _leaf_parsers(child) or [child]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from unif2ace.progress import close_bars, setup_logging

    setup_logging(verbose=getattr(args, "log_verbose", 0) or 0,
                  quiet=bool(getattr(args, "log_quiet", False) or getattr(args, "quiet", False)))
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        result = args.func(args)
    except KNOWN_ERRORS as exc:  # the user's input or machine (bad values, files, devices): one line, exit 2
        close_bars()
        if getattr(args, "log_verbose", 0) or os.environ.get("UNIF2ACE_DEBUG"):
            traceback.print_exc()  # -v or UNIF2ACE_DEBUG=1: where it came from
        print(f"unif2ace {args.verb}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        close_bars()
        print("interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
