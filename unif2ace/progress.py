"""Progress bars and log messages of the command line.

Every command that can take more than a few seconds shows a tqdm bar with a total and an ETA on
stderr. When stderr is not a terminal (a ``nohup`` log, a CI job) the bar becomes a log line every 30
seconds ("captions: 40/128 (31%) [02:10<04:46, 0.31img/s]"), so a long run is never silent in its log;
``-q`` hides both.
Messages go through :mod:`logging` (logger ``unif2ace``; ``-v`` shows debug messages, ``-q`` only
warnings and errors), written with ``tqdm.write`` so they never land on a bar's line. Results
(captions, answers, file names) stay on stdout, so they can be piped.

Model work reports progress without hooks in the samplers: :func:`track_calls` counts the forward
passes of the transformer (one per MaskGIT step, one per decoded token), which is what takes the time.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Iterator

from tqdm import tqdm

log = logging.getLogger("unif2ace")
_state = {"quiet": False}


class _TqdmHandler(logging.Handler):
    """Writes records above any open progress bar instead of onto its line."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:  # noqa: BLE001 — logging must never raise
            self.handleError(record)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {message}"
        return message


def setup_logging(verbose: int = 0, quiet: bool = False) -> None:
    """Route the ``unif2ace`` logger to stderr: debug with ``verbose``, warnings only with ``quiet``."""
    _state["quiet"] = bool(quiet)
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    for handler in list(log.handlers):
        if isinstance(handler, _TqdmHandler):
            log.removeHandler(handler)
    handler = _TqdmHandler()
    handler.setFormatter(_Formatter())
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False


class _LiveBar(tqdm):
    """A bar redrawn every second, so its elapsed time moves while one step takes long (a loaded CPU
    can spend 10 s in one sampling step; a frozen bar looks like a hung command)."""

    def __init__(self, *args, **kwargs):
        self._stop = threading.Event()
        super().__init__(*args, **kwargs)
        if not self.disable:
            threading.Thread(target=self._tick, name="unif2ace-progress", daemon=True).start()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            if not self.disable:
                self.refresh()

    def close(self) -> None:
        self._stop.set()
        super().close()


class _NullFile:
    """Where a :class:`_LogBar` points tqdm's own writes (its redraws and closing carriage return)."""

    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


class _LogBar(tqdm):
    """The bar for a stderr that is not a terminal: a plain log line at most every ``mininterval`` seconds
    (30 by default) when it has moved, and one when it closes after running that long, instead of
    carriage-return redraws that pile up on one line of a log file."""

    def __init__(self, *args, mininterval: float = 30.0, **kwargs):
        self._logged_n, self._logged_t = 0, None
        kwargs.setdefault("bar_format", "{desc}: {n_fmt}/{total_fmt} ({percentage:.0f}%) [{elapsed}<{remaining}, "
                          "{rate_fmt}{postfix}]" if kwargs.get("total") else "{desc}: {n_fmt} [{elapsed}, {rate_fmt}{postfix}]")
        super().__init__(*args, file=_NullFile(), mininterval=mininterval, **kwargs)
        self._logged_t = self.start_t

    def _log_line(self) -> None:
        self._logged_n, self._logged_t = self.n, self._time()
        log.info(self.__str__().strip())

    def display(self, msg=None, pos=None) -> bool:
        if (msg is None and self._logged_t is not None and self.n > self._logged_n
                and self._time() - self._logged_t >= self.mininterval):
            self._log_line()
        return True

    def close(self) -> None:
        if not self.disable and self.n > self._logged_n and self._time() - self.start_t >= self.mininterval:
            self._log_line()
        super().close()


def bar(total: float | None, desc: str, unit: str = "it", disable: bool | None = None, **kwargs) -> tqdm:
    """A progress bar on stderr, hidden with ``-q`` or ``disable=True``. When stderr is not a terminal and
    ``disable`` is None it is a log line every 30 s instead (:class:`_LogBar`), through the ``unif2ace`` logger, set up
    here (:func:`setup_logging`) when neither it nor the root logger has a handler. ``kwargs`` go to tqdm (e.g. ``bar_format``)."""
    if disable is None and _state["quiet"]:
        disable = True
    if disable is None and not _isatty(sys.stderr):
        if not log.handlers and not logging.getLogger().handlers:
            # nothing set up logging (scripts/*.py run under nohup): the lines would go to no handler, and a 20-minute
            # run would stay silent in its log; an application that configured its own logging keeps it
            setup_logging()
        return _LogBar(total=total, desc=desc, unit=unit, disable=False, leave=False, **kwargs)
    return _LiveBar(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True, disable=disable,
                    leave=False, **kwargs)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def emit(text: str) -> None:
    """A result line on stdout, written above any open progress bar (not onto its line)."""
    tqdm.write(text, file=sys.stdout)
    sys.stdout.flush()


def close_bars() -> None:
    """Close every open bar (an error message must not share a line with one, or be redrawn over)."""
    for b in list(getattr(tqdm, "_instances", ())):
        b.close()


@contextlib.contextmanager
def loading(what: str) -> Iterator[None]:
    """Log "loading WHAT …" and show a ticking clock while the block runs (importing torch and loading a
    model take seconds, and a silent command looks hung)."""
    log.info(f"loading {what} …")
    with bar(None, "loading", unit="s", bar_format="{desc} {elapsed}"):  # no total to show: a clock
        yield


@contextlib.contextmanager
def track_calls(model, progress: tqdm, calls: int) -> Iterator[None]:
    """Advance ``progress`` by one per forward pass of ``model`` (a torch module), at most ``calls``;
    when the block ends without error the bar stands exactly ``calls`` further than it started
    (a text decoder that stops early, or a prefill pass, cannot make the total drift)."""
    start = progress.n

    def hook(*_):
        if progress.n < start + calls:
            progress.update(1)

    handle = model.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()
    progress.update(start + calls - progress.n)


def chunks(n: int, size: int) -> list[range]:
    """``range(n)`` cut into consecutive ranges of at most ``size`` (the last may be shorter)."""
    if size < 1:
        raise ValueError(f"the batch size must be at least 1, got {size}")
    return [range(s, min(s + size, n)) for s in range(0, n, size)]


__all__ = ["bar", "chunks", "close_bars", "emit", "log", "setup_logging", "track_calls"]
