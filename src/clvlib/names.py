"""Province names: resolve any known spelling to its ISO 3166-2 code.

Pure functions on the ``province_names`` table; :func:`clvlib.province_code`
loads that table and calls :func:`resolve`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from clvlib.errors import AmbiguousProvinceError, UnknownProvinceError

_FOLD = str.maketrans({"đ": "d", "Đ": "d", "œ": "oe", "Œ": "oe", "æ": "ae", "ø": "o", "ł": "l"})
_NOISE = re.compile(r"[\s\-‐–—_'’.,()\[\]]+")
_ISO = re.compile(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}")


def normalise(name: str) -> str:
    """A matching key: case, accents, spacing and punctuation folded away.

    Latin names lose their diacritics (``Đắk Lắk`` → ``daklak``); names in
    another script (Khmer, Lao) keep their marks, which are letters there,
    and only lose spaces.

    Examples
    --------
    >>> normalise("Đắk  Lắk")
    'daklak'
    >>> normalise("Stœng Trêng") == normalise("stoeng-treng")
    True
    >>> normalise("Rôtânôkiri")
    'rotanokiri'
    """
    text = unicodedata.normalize("NFC", name).translate(_FOLD).casefold()
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    ).translate(_FOLD)
    key = stripped if stripped.isascii() else unicodedata.normalize("NFC", text)
    return _NOISE.sub("", key)


def resolve(name: str, names: pd.DataFrame) -> str:
    """The ISO 3166-2 code for ``name``, looked up in a ``province_names`` table.

    An ISO code itself (``"KH-16"``) resolves to itself when the table knows
    it. Unknown names raise :class:`~clvlib.errors.UnknownProvinceError` with
    the closest known spellings; a spelling shared by two provinces raises
    :class:`~clvlib.errors.AmbiguousProvinceError`.

    Examples
    --------
    >>> table = pd.DataFrame({"name": ["Attapeu", "Attapu"], "province_code": ["LA-AT", "LA-AT"]})
    >>> resolve("ATTAPU", table)
    'LA-AT'
    """
    if not isinstance(name, str) or not name.strip():
        raise UnknownProvinceError(str(name), [])
    codes = set(names["province_code"].astype(str))
    candidate = name.strip().upper()
    if _ISO.fullmatch(candidate) and candidate in codes:
        return candidate
    keys = names["name"].astype(str).map(normalise)
    hits = sorted(set(names.loc[keys == normalise(name), "province_code"].astype(str)))
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise AmbiguousProvinceError(name, hits)
    by_key = dict(zip(keys, names["name"].astype(str), strict=True))
    close = difflib.get_close_matches(normalise(name), list(by_key), n=5, cutoff=0.6)
    raise UnknownProvinceError(name, [by_key[k] for k in close])
