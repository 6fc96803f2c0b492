"""Where the kit's own files are: in a checkout, or inside an installed package.

In a checkout (editable install, or running from the source tree) the data, the
notebooks and ``CITATION.cff`` are the repository's top-level files. A built wheel
carries copies of them inside the package (``clvlib/_data``, ``clvlib/_notebooks``,
``clvlib/CITATION.cff``; see ``setup.py``), which are used when there is no checkout.

Examples
--------
>>> (data_dir() / "datapackage.json").is_file()
True
>>> notebooks_dir().name in {"notebooks", "_notebooks"}
True
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
"""The installed ``clvlib`` package folder."""


def checkout_root() -> Path | None:
    """The repository this package is imported from, or ``None`` for an installed wheel.

    A checkout is recognised by ``pyproject.toml`` and ``data/datapackage.json`` two
    levels above the package (the ``src/`` layout).

    Examples
    --------
    >>> root = checkout_root()
    >>> root is None or (root / "pyproject.toml").is_file()
    True
    """
    root = PACKAGE.parents[1]
    if (root / "pyproject.toml").is_file() and (root / "data" / "datapackage.json").is_file():
        return root
    return None


def _pick(checkout_name: str, packaged_name: str) -> Path:
    root = checkout_root()
    if root is not None:
        return root / checkout_name
    return PACKAGE / packaged_name


def data_dir() -> Path:
    """The kit's data folder: the checkout's ``data/`` or the packaged copy.

    Examples
    --------
    >>> data_dir().name in {"data", "_data"}
    True
    """
    return _pick("data", "_data")


def notebooks_dir() -> Path:
    """The folder of the notebook series: the checkout's ``notebooks/`` or the packaged copy.

    Examples
    --------
    >>> sorted(p.name for p in notebooks_dir().glob("00_*.ipynb"))
    ['00_start_here.ipynb']
    """
    return _pick("notebooks", "_notebooks")


def citation_file() -> Path:
    """The kit's ``CITATION.cff``.

    Examples
    --------
    >>> citation_file().name
    'CITATION.cff'
    """
    return _pick("CITATION.cff", "CITATION.cff")
