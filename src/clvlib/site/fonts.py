"""Fonts for the site: Noto Sans Khmer and Noto Sans Lao (SIL Open Font License), bundled.

The WOFF2 files come from the npm packages ``@fontsource/noto-sans-khmer`` and
``@fontsource/noto-sans-lao`` at pinned versions, fetched with ``npm pack`` at
build time into a folder of the build output and reused after that; each file
is checked against the SHA-256 recorded here (a damaged or different file is
refused, a truncated one in the folder is fetched again) and written atomically; the site serves them from its
own ``_static/fonts/`` folder, so a page never fetches a font at run time. The
font families get names of their own (``clvlib Noto Sans Khmer``) so that a
browser can only match them to the bundled files, never to a system font.

Examples
--------
>>> [f.family for f in FONTS]
['clvlib Noto Sans Khmer', 'clvlib Noto Sans Lao']
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clvlib.cache import write_atomic
from clvlib.errors import ClvlibError

WEIGHTS = (400, 700)


class FontError(ClvlibError):
    """The bundled fonts could not be fetched (``npm`` missing, package unreachable or damaged)."""


@dataclass(frozen=True)
class Font:
    """One font family to bundle: pinned npm package, file stem, subset, Unicode ranges, hashes.

    ``sha256`` holds the SHA-256 of each WOFF2 file, in the order of :data:`WEIGHTS`.

    Examples
    --------
    >>> FONTS[0].spec(), sorted(FONTS[0].hashes())[0]
    ('@fontsource/noto-sans-khmer@5.3.0', 'noto-sans-khmer-khmer-400-normal.woff2')
    """

    package: str
    version: str
    stem: str
    subset: str
    family: str
    unicode_range: str
    sha256: tuple[str, ...]

    def files(self) -> list[str]:
        """The WOFF2 file names, one per weight in :data:`WEIGHTS`."""
        return [f"{self.stem}-{self.subset}-{w}-normal.woff2" for w in WEIGHTS]

    def spec(self) -> str:
        """The pinned package as ``npm pack`` takes it (``name@version``)."""
        return f"{self.package}@{self.version}"

    def hashes(self) -> dict[str, str]:
        """Each WOFF2 file name with its expected SHA-256."""
        return dict(zip(self.files(), self.sha256, strict=True))

    def tarball(self) -> str:
        """The file name ``npm pack`` gives the package's tarball."""
        return f"{self.package.lstrip('@').replace('/', '-')}-{self.version}.tgz"

    def license_name(self) -> str:
        """The name of the font's licence file in the fonts folder."""
        return f"{self.stem}-LICENSE.txt"


FONTS = (
    Font("@fontsource/noto-sans-khmer", "5.3.0", "noto-sans-khmer", "khmer",
         "clvlib Noto Sans Khmer", "U+1780-17FF, U+19E0-19FF, U+200C-200D, U+25CC",
         ("8f19afec2c3d00c40e54ca88717a9167ca567d3dea6a85e258356d32167f7cf4",
          "35fcc5d1f6eefb1cf03f6191038aa13c28d6624cce1beb264c756aedcb7e369f")),
    Font("@fontsource/noto-sans-lao", "5.3.0", "noto-sans-lao", "lao",
         "clvlib Noto Sans Lao", "U+0E81-0EDF, U+200C-200D, U+25CC",
         ("f24dedcfada014741933efd9ddcb2006bd8216af2b86c82a204e4393afd16424",
          "45b8618dcbdc5323dac150dbc94ca4334d1a939cd161af918261d3e955d1c520")),
)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fonts_intact(folder: Path) -> bool:
    """Whether ``folder`` holds every WOFF2 file with its recorded hash, and every licence.

    Examples
    --------
    >>> import tempfile
    >>> fonts_intact(Path(tempfile.mkdtemp()))
    False
    """
    folder = Path(folder)
    for font in FONTS:
        if not (folder / font.license_name()).is_file():
            return False
        for name, digest in font.hashes().items():
            path = folder / name
            if not path.is_file() or _sha256(path.read_bytes()) != digest:
                return False
    return True


def _unpack(tgz: Path, font: Font) -> dict[str, bytes]:
    """The font's WOFF2 files and licence from its npm tarball, each WOFF2 hash checked."""
    members = {name: f"package/files/{name}" for name in font.files()}
    members[font.license_name()] = "package/LICENSE"
    wanted = font.hashes()
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(tgz) as tar:
            for name, member_name in members.items():
                try:
                    member = tar.extractfile(member_name)
                except KeyError:
                    raise FontError(f"{tgz.name} ({font.spec()}) has no {member_name}") from None
                if member is None:
                    raise FontError(f"{tgz.name} ({font.spec()}): {member_name} is not a file")
                data = member.read()
                if name in wanted and _sha256(data) != wanted[name]:
                    raise FontError(f"{tgz.name} ({font.spec()}): {member_name} has SHA-256 "
                                    f"{_sha256(data)}, expected {wanted[name]}")
                found[name] = data
    except (tarfile.TarError, OSError) as exc:
        raise FontError(f"cannot read the npm tarball {tgz}: {exc}") from exc
    return found


def ensure_fonts(folder: Path) -> Path:
    """The folder holding every bundled WOFF2 file and the fonts' licences; fetched once.

    A file missing or not matching its recorded SHA-256 makes the pinned
    packages be fetched again; nothing is written unless every file checks out.

    Raises
    ------
    FontError
        ``npm`` is missing or fails, a package lacks a file, or a file's hash differs.

    Examples
    --------
    What the site builder runs (``npm pack`` on the first call only)::

        ensure_fonts(Path("_build/.fonts"))
    """
    folder = Path(folder)
    if fonts_intact(folder):
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise FontError("the site bundles Noto Sans Khmer and Lao from npm packages, but `npm` "
                        "is not installed (Debian: apt-get install npm)")
    specs = [font.spec() for font in FONTS]
    with tempfile.TemporaryDirectory(prefix="clvlib-fonts-") as tmp:
        done = subprocess.run([npm, "pack", "--silent", *specs], cwd=tmp,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise FontError(f"npm pack {' '.join(specs)} failed: {done.stderr.strip()[-500:]}")
        files: dict[str, bytes] = {}
        for font in FONTS:
            tgz = Path(tmp) / font.tarball()
            if not tgz.is_file():
                raise FontError(f"npm pack did not produce {tgz.name} for {font.spec()}")
            files.update(_unpack(tgz, font))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            write_atomic(folder / name, data)
    except OSError as exc:
        raise FontError(f"cannot write the bundled fonts into {folder}: {exc}") from exc
    return folder


def font_css(prefix: str = "fonts/") -> str:
    """The ``@font-face`` rules of the bundled fonts (URLs relative to the stylesheet).

    Examples
    --------
    >>> "clvlib Noto Sans Khmer" in font_css() and "format(\\"woff2\\")" in font_css()
    True
    """
    rules = []
    for font in FONTS:
        for weight, name in zip(WEIGHTS, font.files(), strict=True):
            rules.append(
                f'@font-face {{\n  font-family: "{font.family}";\n  font-style: normal;\n'
                f"  font-weight: {weight};\n  font-display: swap;\n"
                f'  src: url("{prefix}{name}") format("woff2");\n'
                f"  unicode-range: {font.unicode_range};\n}}")
    return "\n".join(rules) + "\n"
