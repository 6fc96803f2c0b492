"""The user's cache folder: the only module that writes to it.

clvlib keeps three kinds of files there: downloaded boundary files (checked
against the registry's sha256 by :mod:`clvlib.geo.boundary`), derived boundary
tables (GeoParquet) and checked data tables (Arrow IPC, also known as Feather
v2: the same dtypes as Parquet through pyarrow, about three times less CPU to
read for these small tables). This module decides
where the folder is and how files are written and read:

- **Where**: ``$CLVLIB_CACHE`` if set, else the user cache folder
  (``~/.cache/clvlib`` on Linux). Folders it creates are user-only (``0o700``).
  A configured path that is a file is a :class:`CacheLocationError` where the
  cache is needed (downloads) and a :class:`CacheWarning` elsewhere.
- **Writing**: whole or not at all. Each file is written under a unique
  temporary name in the same folder (:func:`tempfile.mkstemp`) and renamed
  over the target with :func:`os.replace`, so parallel processes never see or
  clobber each other's half-written files.
- **Reading**: verified. A stored frame is one file: a header line naming the
  format, the sha256 and size of the payload, the key of the inputs it was made
  from and what the caller expects of it (e.g. the row count and sha256 of the
  source CSV), followed by the payload (Arrow or GeoParquet). Nothing is ever unpickled or
  executed. A file that fails any check is ignored, deleted when possible, and
  the caller rebuilds it.
- **Failing**: a read-only, full or unusable cache only costs speed; it gives
  one :class:`CacheWarning` per folder and process, never a traceback.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from clvlib.errors import CacheLocationError, CacheWarning

__all__ = ["CACHE_ENV", "CacheLocationError", "CacheWarning", "cache_dir", "cached_frame", "download",
           "folder", "read_frame", "write_atomic", "write_frame"]

CACHE_ENV = "CLVLIB_CACHE"
"""Environment variable overriding the cache folder (default: the user cache)."""

FORMAT = "clvlib-cache-1"
"""The first line of every stored frame; a file without it is not ours."""

SUFFIX = ".clvpq"
"""Suffix of stored frames (a header line, then an Arrow or GeoParquet payload)."""

_WARNED: set[tuple[str, str]] = set()


def _warn_once(folder: Path | str, what: str) -> None:
    key = (str(folder), what)
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(f"clvlib cache {folder}: {what}; working without it (slower, same results)",
                      CacheWarning, stacklevel=3)


def cache_dir() -> Path:
    """The cache folder (not created here): ``$CLVLIB_CACHE`` or the user cache.

    Raises
    ------
    CacheLocationError
        When the path exists and is not a folder.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, CLVLIB_CACHE=tempfile.mkdtemp()):
    ...     cache_dir() == Path(os.environ["CLVLIB_CACHE"])
    True
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        path = Path(env).expanduser()
        where = f"{CACHE_ENV}={env}"
    else:
        import platformdirs  # what pooch.os_cache uses, without importing pooch and requests

        path = Path(platformdirs.user_cache_dir("clvlib"))
        where = "the user cache folder"
    if path.exists() and not path.is_dir():
        raise CacheLocationError(
            f"{where} is {path}, which is a file, not a folder; point {CACHE_ENV} at a folder "
            f"(it is created if missing) or remove the file")
    return path


def folder(*parts: str) -> Path:
    """The cache subfolder ``parts``, created user-only (``0o700``) where missing.

    Raises :class:`CacheLocationError` when the cache path is a file and
    :class:`OSError` when the folder cannot be created; callers that can do
    without the cache use :func:`read_frame` / :func:`write_frame` instead.

    Examples
    --------
    >>> import os, stat, tempfile
    >>> from unittest import mock
    >>> root = Path(tempfile.mkdtemp()) / "c"
    >>> with mock.patch.dict(os.environ, CLVLIB_CACHE=str(root)):
    ...     made = folder("tables")
    >>> oct(stat.S_IMODE(made.stat().st_mode)), oct(stat.S_IMODE(root.stat().st_mode))
    ('0o700', '0o700')
    """
    root = cache_dir()
    path = root.joinpath(*parts)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for p in reversed(missing):
        try:
            p.mkdir(mode=0o700)
        except FileExistsError:
            pass
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return path


def sha256_bytes(data: bytes) -> str:
    """The sha256 hex digest of ``data``.

    Examples
    --------
    >>> sha256_bytes(b"abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``path`` whole or not at all (unique temporary name, then rename).

    The file gets the permissions a newly created file normally gets (``0o666``
    less the umask), so that site pages, handouts and notebook copies can be
    shared; with ``private=True`` it is readable by its owner only (``0o600``), as
    the cache's files are. Raises :class:`OSError` when it cannot write; no
    temporary file is left behind.

    Examples
    --------
    >>> import stat, tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.bin"
    >>> write_atomic(p, b"hello"); p.read_bytes(), sorted(q.name for q in p.parent.iterdir())
    (b'hello', ['x.bin'])
    >>> write_atomic(p, b"secret", private=True); oct(stat.S_IMODE(p.stat().st_mode))
    '0o600'
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    if not private:
        umask = os.umask(0o022)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def download(url: str, sha256: str, relpath: str, *, timeout: float = 30) -> Path:
    """A file downloaded once into the cache at ``relpath`` and verified against ``sha256``.

    :mod:`pooch` does the download (into a temporary file, moved into place only
    when complete) and the hash check; a file already in the cache is used when
    its hash matches, downloaded again otherwise. Folders are created user-only.

    Raises
    ------
    ValueError
        The download does not match ``sha256``; it is not kept.
    OSError, requests.exceptions.RequestException
        The file could not be downloaded or written.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, CLVLIB_CACHE=tempfile.mkdtemp()):
    ...     _ = folder("demo").joinpath("abc.txt").write_bytes(b"abc")   # already in the cache
    ...     download("https://example.org/abc.txt", sha256_bytes(b"abc"), "demo/abc.txt").read_bytes()
    b'abc'
    """
    import pooch

    target = cache_dir() / relpath
    folder(*Path(relpath).parent.parts)
    try:
        path = pooch.retrieve(url, known_hash=f"sha256:{sha256}", fname=target.name,
                              path=target.parent, progressbar=False,
                              downloader=pooch.HTTPDownloader(timeout=timeout, progressbar=False))
    except ValueError:
        if target.exists() and sha256_bytes(target.read_bytes()) != sha256:
            _discard(target)
        raise
    return Path(path)


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache keeps the bad file; it is ignored on every read


def _encode(frame: pd.DataFrame, key: str, meta: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    geo = frame.__class__.__name__ == "GeoDataFrame"
    if geo:
        frame.to_parquet(buf)
    else:
        frame.to_feather(buf, compression="uncompressed")
    payload = buf.getvalue()
    header = {"format": FORMAT, "key": key, "geo": geo, "rows": len(frame), "meta": meta,
              "size": len(payload), "sha256": sha256_bytes(payload)}
    return json.dumps(header, sort_keys=True).encode("utf-8") + b"\n" + payload


def _decode(data: bytes, key: str, expect: dict[str, Any]) -> pd.DataFrame | None:
    head, sep, payload = data.partition(b"\n")
    if not sep:
        return None
    try:
        header = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
        return None
    if header.get("meta") != expect:
        return None
    if header.get("size") != len(payload) or header.get("sha256") != sha256_bytes(payload):
        return None
    try:
        if header.get("geo"):
            import geopandas as gpd

            frame = gpd.read_parquet(io.BytesIO(payload))
        else:
            frame = pd.read_feather(io.BytesIO(payload), use_threads=False)
    except Exception:  # noqa: BLE001 - any unreadable payload is simply not trusted
        return None
    if len(frame) != header.get("rows") or ("rows" in expect and len(frame) != expect["rows"]):
        return None
    return frame


def _path(kind: str, name: str, key: str) -> Path:
    return cache_dir() / kind / f"{name}-{key}{SUFFIX}"


def read_frame(kind: str, name: str, key: str, expect: dict[str, Any] | None = None
               ) -> pd.DataFrame | None:
    """A stored frame that passes every check, or ``None`` (missing, damaged, foreign, no cache).

    Parameters
    ----------
    kind : str
        The subfolder (``"tables"``, ``"derived"``).
    name : str
        What the frame is (``"events"``); with ``key`` it makes the file name.
    key : str
        A digest of every input the frame was made from; a stored file with another
        key is not used.
    expect : dict, optional
        What the caller knows independently about the frame (JSON values), e.g.
        ``{"rows": 77, "csv_sha256": "..."}``; it must equal what was stored with
        it, and ``rows`` must be the frame's length.

    A file that fails a check is deleted where possible, so the caller's rebuild
    replaces it.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> frame = pd.DataFrame({"a": pd.array([1, None], dtype="Int64")})
    >>> with mock.patch.dict(os.environ, CLVLIB_CACHE=tempfile.mkdtemp()):
    ...     stored = write_frame("tables", "demo", "k1", frame, {"rows": 2})
    ...     same = read_frame("tables", "demo", "k1", {"rows": 2})
    ...     other = read_frame("tables", "demo", "k1", {"rows": 3})  # not what the caller expects
    >>> stored, same.equals(frame), other is None
    (True, True, True)
    """
    expect = dict(expect or {})
    try:
        path = _path(kind, name, key)
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except CacheLocationError as exc:
        _warn_once(os.environ.get(CACHE_ENV, "?"), str(exc))
        return None
    except OSError as exc:
        _warn_once(path.parent, f"cannot read {path.name} ({type(exc).__name__})")
        return None
    frame = _decode(data, key, expect)
    if frame is None:
        _discard(path)
    return frame


def write_frame(kind: str, name: str, key: str, frame: pd.DataFrame,
                expect: dict[str, Any] | None = None) -> bool:
    """Store ``frame`` for later processes (see :func:`read_frame`); ``False`` when it could not.

    The file is written atomically under a unique temporary name. A cache that
    cannot be written gives one :class:`CacheWarning` and returns ``False``.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, CLVLIB_CACHE=tempfile.mkdtemp()):
    ...     write_frame("tables", "demo", "k1", pd.DataFrame({"a": ["x"]}))
    True
    """
    try:
        target = folder(kind) / f"{name}-{key}{SUFFIX}"
        write_atomic(target, _encode(frame, key, dict(expect or {})), private=True)
    except CacheLocationError as exc:
        _warn_once(os.environ.get(CACHE_ENV, "?"), str(exc))
        return False
    except OSError as exc:
        _warn_once(cache_dir() if _location_ok() else "?",
                   f"cannot write {kind}/{name} ({type(exc).__name__}: {exc.strerror or exc})")
        return False
    return True


def _location_ok() -> bool:
    try:
        cache_dir()
    except CacheLocationError:
        return False
    return True


def cached_frame(kind: str, name: str, key: str, build: Callable[[], pd.DataFrame],
                 expect: dict[str, Any] | None = None) -> pd.DataFrame:
    """The stored frame if it verifies, else ``build()`` (stored for next time when possible).

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> calls = []
    >>> make = lambda: calls.append(1) or pd.DataFrame({"a": [1.5]})
    >>> with mock.patch.dict(os.environ, CLVLIB_CACHE=tempfile.mkdtemp()):
    ...     first = cached_frame("derived", "demo", "k", make)
    ...     again = cached_frame("derived", "demo", "k", make)
    >>> len(calls), again.equals(first)
    (1, True)
    """
    stored = read_frame(kind, name, key, expect)
    if stored is not None:
        return stored
    frame = build()
    write_frame(kind, name, key, frame, expect)
    return frame
