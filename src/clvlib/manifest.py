"""The data manifest (``data/manifest.json``): each declared CSV's sha256 and row count.

It is committed with the data so that a truncated, swapped or edited file is noticed
(:meth:`clvlib.catalog.Catalog.manifest_problems`, ``clvlib validate``). After a
deliberate edit, ``clvlib validate --update-manifest`` rewrites it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clvlib import cache
from clvlib.errors import ClvlibError, DataError, Problem
from clvlib.rawcsv import stat_key

MANIFEST = "manifest.json"
"""Each declared CSV's sha256 and row count, committed with the data (see :func:`write`)."""

MANIFEST_CODES = frozenset({"manifest-missing", "manifest-mismatch", "bad-manifest"})
"""Problem codes that only say the manifest is missing, stale or unreadable (not the data)."""

HOW = "if the change is deliberate, run clvlib validate --update-manifest"

_MANIFESTS: dict[tuple[str, tuple[int, int]], Any] = {}


class ManifestWriteError(ClvlibError, OSError):
    """``manifest.json`` cannot be written to the data folder (read-only, full, no permission).

    Examples
    --------
    >>> issubclass(ManifestWriteError, ClvlibError)
    True
    """


def read(data_dir: Path) -> dict[str, Any] | None:
    """The manifest of a data folder as committed, or ``None`` when there is none.

    Raises
    ------
    DataError
        The file exists but is not readable JSON (problem code ``bad-manifest``).

    Examples
    --------
    >>> from clvlib.catalog import default_data_dir
    >>> read(default_data_dir())["files"]["eras.csv"]["rows"]
    4
    """
    path = Path(data_dir) / MANIFEST
    try:
        memo = (str(path), stat_key(path))
        if memo not in _MANIFESTS:
            _MANIFESTS[memo] = json.loads(path.read_text(encoding="utf-8"))
        return _MANIFESTS[memo]
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise DataError([Problem(MANIFEST, None, None, None, "bad-manifest",
                                 f"cannot read the manifest: {exc}")]) from exc


def difference(recorded: dict[str, Any], now: dict[str, Any]) -> str:
    """Say how a file's entry now differs from the recorded one.

    Examples
    --------
    >>> difference({"rows": 3, "sha256": "a" * 64}, {"rows": 2, "sha256": "a" * 64})
    'the file differs from the manifest: 2 rows where the manifest records 3'
    """
    parts = []
    if recorded.get("rows") != now.get("rows"):
        parts.append(f"{now.get('rows')} rows where the manifest records {recorded.get('rows')}")
    if recorded.get("sha256") != now.get("sha256"):
        parts.append(f"sha256 {str(now.get('sha256'))[:12]}… where the manifest records "
                     f"{str(recorded.get('sha256'))[:12]}…")
    return "the file differs from the manifest: " + " and ".join(parts)


def problems(committed: dict[str, Any] | None, now: dict[str, dict[str, Any]]) -> list[Problem]:
    """Where the files as they are ``now`` differ from the ``committed`` manifest.

    Parameters
    ----------
    committed : dict or None
        The manifest as read by :func:`read` (``None``: there is none).
    now : dict
        Each declared file's ``{"sha256", "rows"}`` as the files are now.

    Examples
    --------
    >>> entry = {"sha256": "a" * 64, "rows": 4}
    >>> problems({"files": {"eras.csv": entry}}, {"eras.csv": entry})
    []
    >>> [p.code for p in problems(None, {"eras.csv": entry})]
    ['manifest-missing']
    """
    if committed is None:
        return [Problem(MANIFEST, None, None, None, "manifest-missing",
                        f"no {MANIFEST} in the data folder, so truncated or swapped files "
                        "cannot be detected; create it with clvlib validate --update-manifest")]
    recorded = committed.get("files", {}) if isinstance(committed, dict) else {}
    found = []
    for file, entry_now in now.items():
        entry = recorded.get(file)
        if not isinstance(entry, dict):
            found.append(Problem(file, None, None, None, "manifest-mismatch",
                                 f"the file is not in {MANIFEST}; {HOW}"))
        elif entry != entry_now:
            found.append(Problem(file, None, None, None, "manifest-mismatch",
                                 difference(entry, entry_now) + f"; {HOW}"))
    for file in sorted(set(recorded) - set(now)):
        found.append(Problem(MANIFEST, None, None, file, "manifest-mismatch",
                             f"the manifest lists {file}, which the descriptor does not "
                             f"declare; {HOW}"))
    return found


def write(data_dir: Path, now: dict[str, dict[str, Any]]) -> Path:
    """Write the manifest for the files as they are ``now`` (atomically); return its path.

    Raises
    ------
    ManifestWriteError
        The manifest cannot be written; the one already there is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = write(folder, {"eras.csv": {"sha256": "a" * 64, "rows": 4}})
    >>> read(folder)["files"]["eras.csv"]["rows"]
    4
    """
    text = json.dumps({"description": "sha256 and row count of each CSV file the descriptor "
                                      "declares; regenerate with clvlib validate "
                                      "--update-manifest after editing the data",
                       "files": now}, indent=2, sort_keys=True) + "\n"
    path = Path(data_dir) / MANIFEST
    try:
        cache.write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise ManifestWriteError(f"cannot write {path}: {exc.strerror or exc}; "
                                 "is the data folder writable?") from exc
    return path
