"""Exceptions: one class per libparley status code (PL_ERRNO_MAP in core.h).

Every error the library reports becomes an instance of :class:`Error` (or
a subclass) carrying the library's ``code`` (negative int), ``name``
(``"PL_EPARSE"``), ``message`` and, for file input, ``file``, ``line`` and
``column`` (1-based; 0 when unknown). ``str(e)`` reads like the CLI's
message: ``file:line:col: message`` when there is a place.
"""
from __future__ import annotations

from typing import Dict, Optional, Type

from . import _lib


class Error(Exception):
    """Base of every error raised by libparley through this package."""

    code: int = 0
    name: str = ""

    def __init__(self, message: str, code: Optional[int] = None,
                 file: str = "", line: int = 0, column: int = 0) -> None:
        if code is not None:
            self.code = code
        self.name = _lib.text(_lib.pl_errname(self.code))
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        where = ""
        if file:
            where = f"{file}:{line}:{column}: " if line else f"{file}: "
        super().__init__(where + message)


class OutOfMemoryError(Error, MemoryError):
    """PL_ENOMEM"""


class InvalidArgumentError(Error, ValueError):
    """PL_EINVAL: an argument the library refuses (a value out of its range,
    an index that does not exist, an unknown agent)."""


class ParseError(Error, ValueError):
    """PL_EPARSE: bad input (a scenario, plan or config that does not
    parse or breaks the format's rules)."""


class InputOutputError(Error, OSError):
    """PL_EIO: a file that cannot be read or written."""


class RangeError(Error, ValueError):
    """PL_ERANGE: a value out of range."""


class TooBigError(Error):
    """PL_ETOOBIG: a problem beyond a limit (outcomes, memory); the message
    says what to do."""


class NotFoundError(Error, LookupError):
    """PL_ENOTFOUND: no such item."""


class ExistsError(Error, ValueError):
    """PL_EEXIST: an id used twice."""


class StateError(Error, RuntimeError):
    """PL_ESTATE: a call not valid in this state (also: a closed handle)."""


class UnsupportedError(Error):
    """PL_EUNSUPPORTED: what a format or method cannot express."""


class ConflictError(Error):
    """PL_ECONFLICT: conflicts with existing data (a results store made for
    another tournament)."""


_BY_NAME: Dict[str, Type[Error]] = {
    "PL_ENOMEM": OutOfMemoryError,
    "PL_EINVAL": InvalidArgumentError,
    "PL_EPARSE": ParseError,
    "PL_EIO": InputOutputError,
    "PL_ERANGE": RangeError,
    "PL_ETOOBIG": TooBigError,
    "PL_ENOTFOUND": NotFoundError,
    "PL_EEXIST": ExistsError,
    "PL_ESTATE": StateError,
    "PL_EUNSUPPORTED": UnsupportedError,
    "PL_ECONFLICT": ConflictError,
}


def library_codes() -> Dict[int, str]:
    """Every status code the loaded library names (from pl_errname)."""
    out: Dict[int, str] = {}
    unknown = _lib.text(_lib.pl_errname(-1000000))
    code = -1
    while True:
        name = _lib.text(_lib.pl_errname(code))
        if name == unknown or name in out.values():
            return out
        out[code] = name
        code -= 1


def error_class(code: int) -> Type[Error]:
    """The exception class of a library status code."""
    return _BY_NAME.get(_lib.text(_lib.pl_errname(code)), Error)


def from_code(code: int, err: Optional[_lib.pl_error] = None,
              what: str = "") -> Error:
    """An exception for a failed call: from the filled pl_error when there is
    one, else from the code's description."""
    if err is not None and err.code:
        code = err.code
        message = err.message.decode("utf-8", "replace")
        file = err.file.decode("utf-8", "replace")
        line, column = err.line, err.column
    else:
        message = _lib.text(_lib.pl_strerror(code))
        file, line, column = "", 0, 0
    if what and not file:
        message = f"{what}: {message}"
    return error_class(code)(message, code, file, line, column)


def check(rc: int, err: Optional[_lib.pl_error] = None,
          what: str = "") -> int:
    """Raises for a negative status; returns rc otherwise."""
    if rc < 0:
        raise from_code(rc, err, what)
    return rc
