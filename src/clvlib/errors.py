"""Named errors raised by clvlib.

Every error that concerns the data says *where*: the file, the row number (as
counted in the CSV file, the header being row 1), the column and the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place of a data file.

    Parameters
    ----------
    file : str
        The file, relative to the data folder (``"provinces.csv"``).
    row : int or None
        The row number in the file, the header being row 1; ``None`` for a
        problem with the whole file or descriptor.
    column : str or None
        The column concerned, if any.
    value : str or None
        The offending value as written in the file, if any.
    code : str
        A short machine-readable kind, e.g. ``"type-error"``.
    message : str
        What is wrong, in words.

    Examples
    --------
    >>> p = Problem("provinces.csv", 3, "area_km2", "big", "type-error", "not a number")
    >>> str(p)
    "provinces.csv, row 3, column 'area_km2', value 'big': not a number [type-error]"
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{', '.join(where)}: {self.message} [{self.code}]"


class ClvlibError(Exception):
    """Base class of every error clvlib raises on purpose."""


class DataError(ClvlibError, ValueError):
    """A data table does not match its descriptor or the project's rules.

    ``problems`` lists every :class:`Problem` found; the message shows them.
    Nothing is returned when this is raised: no partial data.

    Examples
    --------
    >>> err = DataError([Problem("x.csv", 2, "a", "?", "type-error", "bad")])
    >>> err.problems[0].row
    2
    """

    def __init__(self, problems: Iterable[Problem], header: str | None = None):
        self.problems = list(problems)
        head = header or f"{len(self.problems)} problem(s) in the data"
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{head}:\n{shown}{tail}")


class UnknownTableError(ClvlibError, KeyError):
    """A table name that the descriptor does not declare."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


class UnknownProvinceError(ClvlibError, KeyError):
    """A province name or code that no known spelling matches.

    ``suggestions`` holds the closest known spellings (may be empty).
    """

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = (
            "; close matches: " + ", ".join(repr(s) for s in suggestions)
            if suggestions
            else "; no close match among the known spellings (see clvlib.load('province_names'))"
        )
        super().__init__(f"unknown province name {name!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


class AmbiguousProvinceError(ClvlibError, KeyError):
    """A spelling that belongs to more than one province."""

    def __init__(self, name: str, codes: list[str]):
        self.name = name
        self.codes = codes
        super().__init__(f"province name {name!r} is ambiguous: it is used for {', '.join(codes)}")

    def __str__(self) -> str:
        return str(self.args[0])


class ClvlibWarning(UserWarning):
    """Base class of every warning clvlib gives on purpose."""


class ManifestWarning(ClvlibWarning):
    """A data file differs from ``data/manifest.json`` (sha256 or row count).

    Loading and building go on (researchers edit the data); ``clvlib validate``
    reports the difference as a problem. After a deliberate edit, regenerate the
    manifest with ``clvlib validate --update-manifest``.

    Examples
    --------
    >>> issubclass(ManifestWarning, UserWarning)
    True
    """


class CacheLocationError(ClvlibError):
    """The configured cache folder cannot be a folder (e.g. ``CLVLIB_CACHE`` names a file).

    Examples
    --------
    >>> issubclass(CacheLocationError, ClvlibError)
    True
    """


class CacheWarning(ClvlibWarning):
    """The cache could not be used (read-only, full, not a folder): slower, results unchanged.

    Examples
    --------
    >>> issubclass(CacheWarning, UserWarning)
    True
    """
