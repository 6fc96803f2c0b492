"""Citing the kit itself: the software (from ``CITATION.cff``) and the data release.

The code version, the authors, the release date and the repository address (when
``CITATION.cff`` gives one) come from ``CITATION.cff``; the data version from
``datapackage.json`` and its release date from ``data/CHANGELOG.md`` (the heading
``## <version> (<date>)``).

Examples
--------
>>> print(cite_kit(style="apa"))  # doctest: +ELLIPSIS
The clvlib developers. (...). clvlib data (Version ...) [Dataset].
The clvlib developers. (...). clvlib: a cited research and teaching kit ... (Version ...) [Computer software].
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pandas as pd

from clvlib import citation, paths


@lru_cache(maxsize=1)
def _cff() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(paths.citation_file().read_text(encoding="utf-8"))


def _authors(cff: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for person in cff.get("authors", []):
        name = person.get("name") or " ".join(
            p for p in (person.get("given-names"), person.get("family-names")) if p)
        if name:
            out.append({"literal": name})
    return out


def data_release_date(version: str) -> str | None:
    """The date the data release ``version`` was made, from ``data/CHANGELOG.md`` (``None`` if unreleased).

    Examples
    --------
    >>> data_release_date("0.1.0")
    '2026-11-28'
    >>> data_release_date("99.0") is None
    True
    """
    from clvlib.catalog import default_data_dir

    path = default_data_dir() / "CHANGELOG.md"
    if not path.is_file():
        return None
    match = re.search(rf"^## {re.escape(version)} \((\d{{4}}-\d{{2}}-\d{{2}})\)",
                      path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return match.group(1) if match else None


def kit_item(*, data_version: str | None = None, table: str | None = None,
             software: bool = False) -> dict[str, Any]:
    """The CSL-JSON item of the kit's software (``software=True``) or of its data release.

    Examples
    --------
    >>> item = kit_item(data_version="0.1.0", table="trade")
    >>> item["title"], item["version"], item["issued"]
    ('clvlib data: the trade table', '0.1.0', {'date-parts': [[2026, 11, 28]]})
    """
    cff = _cff()
    item: dict[str, Any] = {"author": _authors(cff)}
    url = cff.get("repository-code") or cff.get("url")
    if url:
        item["URL"] = url
    if software:
        item.update(id="clvlib", type="software", title=cff["title"], version=str(cff.get("version", "")))
        issued = citation.csl_date(cff.get("date-released"))
    else:
        if data_version is None:
            from clvlib.data import data_version as current

            data_version = current()
        item.update(id="clvlib_data", type="dataset", version=data_version,
                    title="clvlib data" + (f": the {table} table" if table else ""))
        issued = citation.csl_date(data_release_date(data_version))
    if issued:
        item["issued"] = issued
    return item


def cite_kit(style: str = "apa") -> citation.Bibliography:
    """The citation of the kit: the software (version, date released, repository) and the data release.

    Parameters
    ----------
    style : str
        Any style or export :func:`clvlib.cite` takes.

    Examples
    --------
    >>> "@software{clvlib," in cite_kit(style="bibtex")
    True
    """
    empty = pd.DataFrame({"source_id": pd.Series([], dtype=str)})
    return citation.bibliography(empty, [], style, extra=[kit_item(software=True), kit_item()])
