"""The outcome of validating the data package, and merging frictionless's findings into it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clvlib.errors import Problem


def dedupe(extra: list[Problem], have: list[Problem]) -> list[Problem]:
    """The problems of ``extra`` (frictionless) that ``have`` (project rules) did not already report.

    A cell problem is the same when file and row match; a header problem when file and
    column match; a problem with neither (e.g. the descriptor) is kept unless the project
    rules already flagged that file. One root cause is reported once: when the project
    rules found a problem with a whole file or its header (missing, empty, not UTF-8, a
    column missing or unknown), frictionless's row-by-row findings for that file (it
    matches columns by position) are dropped, and so are its foreign-key findings
    anywhere (the project rules check every reference, by name).
    """
    rows = {(p.file, p.row) for p in have if p.row is not None}
    columns = {(p.file, p.column) for p in have if p.column is not None}
    files = {p.file for p in have}
    broken = {p.file for p in have if p.row is None or p.row == 1 or p.code == "encoding"}
    kept = []
    for p in extra:
        if p.file in broken or (broken and p.code == "frictionless:foreign-key"):
            continue
        if p.row is not None:
            seen = (p.file, p.row) in rows
        elif p.column is not None:
            seen = (p.file, p.column) in columns
        else:
            seen = p.file in files
        if not seen:
            kept.append(p)
    return kept



@dataclass
class Report:
    """The outcome of :meth:`Catalog.validate`.

    Examples
    --------
    >>> from clvlib.catalog import Catalog
    >>> report = Catalog().validate(use_frictionless=False)
    >>> report.ok
    True
    """

    data_dir: Path
    rows: dict[str, int | None]
    problems: list[Problem]
    frictionless: bool = True

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def __str__(self) -> str:
        lines = [f"clvlib validate: {self.data_dir}"]
        counts: dict[str, int] = {}
        for p in self.problems:
            counts[p.file] = counts.get(p.file, 0) + 1
        for name, n in self.rows.items():
            count = sum(v for k, v in counts.items() if Path(k).stem == name)
            status = "ok" if count == 0 else f"{count} problem(s)"
            shown = "unreadable" if n is None else f"{n} rows"
            lines.append(f"  {name:<20} {shown:<12} {status}")
        checks = "project rules + frictionless" if self.frictionless else "project rules"
        if self.problems:
            lines.append(f"FAILED ({checks}): {len(self.problems)} problem(s)")
            lines += [f"  - {p}" for p in self.problems]
        else:
            lines.append(f"PASSED ({checks}): {len(self.rows)} tables, no problems")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"
