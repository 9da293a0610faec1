"""One validation layer for what users hand in: numbers, texts and images, shared by the Python API,
the CLI and the server.

Every check raises :class:`InvalidInput` (a ``ValueError``) with one line that names the option and
says what is allowed, so the CLI prints it as ``unif2ace: error: …`` with exit code 2 and the server
answers 422 with it. Nothing here imports torch: the server calls it on request threads.
"""

from __future__ import annotations

import math
import numbers


class InvalidInput(ValueError):
    """A user's value is not allowed; the message names it and says what is. ``status``: its HTTP code."""

    status = 422


class UnreadableImage(InvalidInput):
    """Not an image, or a truncated / damaged one."""

    status = 415


class ImageTooLarge(InvalidInput):
    """More pixels than allowed (read from the header, before decoding)."""

    status = 413


def whole_number(value, name: str, minimum: int | None = 1, maximum: int | None = None, parse: bool = False) -> int:
    """``value`` as an int: ints, or floats with no fractional part (``18.0``); 2.5, NaN, True are refused,
    and so are strings unless ``parse`` (form fields, command-line text): ``"18"`` in a JSON file is a mistake.

    A fraction is an error, never truncated: ``steps=2.5`` is a mistake the caller should see.
    """
    if minimum is not None and maximum is not None:
        bounds = f" from {minimum} to {maximum}"
    else:
        bounds = f" ≥ {minimum}" if minimum is not None else f" ≤ {maximum}" if maximum is not None else ""
    wrong = InvalidInput(f"{name} must be a whole number{bounds}, got {value!r}")
    if isinstance(value, bool):
        raise wrong
    number = value
    if isinstance(value, str) and parse:
        try:
            number = float(value) if any(c in value.lower() for c in ".en") else int(value)
        except ValueError:
            raise wrong from None
    if isinstance(number, numbers.Integral):
        out = int(number)
    elif isinstance(number, numbers.Real) and math.isfinite(float(number)) and float(number).is_integer():
        out = int(number)
    else:
        raise wrong
    if (minimum is not None and out < minimum) or (maximum is not None and out > maximum):
        raise wrong
    return out


def finite_number(value, name: str, minimum: float | None = 0.0, maximum: float | None = None,
                  parse: bool = False) -> float:
    """``value`` as a finite float within [minimum, maximum]; NaN, ±inf, bools and non-numbers are refused
    (strings too, unless ``parse``)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str) if parse else numbers.Real):
        raise InvalidInput(f"{name} must be a number, got {value!r}")
    try:
        out = float(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(out):
        raise InvalidInput(f"{name} must be a finite number, got {value!r}")
    _check_range(out, name, minimum, maximum)
    return out


def choice(value, name: str, options) -> str:
    """``value`` if it is one of ``options``; otherwise an error listing them."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise InvalidInput(f"unknown {name} {value!r}; use one of {', '.join(options)}")
    return value


def flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false, got {value!r}")
    return value


def _check_range(value: float, name: str, minimum, maximum) -> None:
    if minimum is not None and value < minimum:
        raise InvalidInput(f"{name} must be at least {minimum}, got {value:g}")
    if maximum is not None and value > maximum:
        raise InvalidInput(f"{name} must be at most {maximum}, got {value:g}")


def check_text(text, what: str, allow_empty: bool = False, max_chars: int | None = None) -> str:
    """``text`` if it is a usable prompt / question: a string, not empty or blank (unless ``allow_empty``,
    e.g. a negative prompt), without NUL bytes or lone surrogates (which no tokenizer or UTF-8 file can
    hold), at most ``max_chars`` characters."""
    if not isinstance(text, str):
        raise InvalidInput(f"the {what} must be text, got {type(text).__name__}")
    if not allow_empty and not text.strip():
        raise InvalidInput(f"the {what} is empty: write what you want" if not text else
                           f"the {what} is only blank space: write what you want")
    if "\x00" in text:
        raise InvalidInput(f"the {what} contains a NUL character (\\x00) at position {text.index(chr(0))}; "
                           "remove it")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(f"the {what} contains an unpaired surrogate ({text[exc.start]!r} at position "
                           f"{exc.start}), which is not valid Unicode text; send it as UTF-8") from None
    if max_chars is not None and len(text) > max_chars:
        raise InvalidInput(f"the {what} has {len(text)} characters; at most {max_chars}")
    return text


def check_token_count(count: int, what: str, limit: int) -> None:
    """A text of ``count`` tokens must fit the ``limit`` the model can read (its context)."""
    if count > limit:
        raise InvalidInput(f"the {what} is {count} tokens long; this model reads at most {limit}: shorten it")


__all__ = ["InvalidInput", "UnreadableImage", "ImageTooLarge", "whole_number", "finite_number", "choice", "flag", "check_text", "check_token_count"]
