"""Fonts for the site: Noto Sans Khmer and Noto Sans Lao (SIL Open Font License), bundled.

The WOFF2 files come from the npm packages ``@fontsource/noto-sans-khmer`` and
``@fontsource/noto-sans-lao``, fetched with ``npm pack`` at build time into a
folder of the build output and reused after that; the site serves them from its
own ``_static/fonts/`` folder, so a page never fetches a font at run time. The
font families get names of their own (``clvlib Noto Sans Khmer``) so that a
browser can only match them to the bundled files, never to a system font.

Examples
--------
>>> [f.family for f in FONTS]
['clvlib Noto Sans Khmer', 'clvlib Noto Sans Lao']
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clvlib.errors import ClvlibError

WEIGHTS = (400, 700)


class FontError(ClvlibError):
    """The bundled fonts could not be fetched (``npm`` missing or the package unreachable)."""


@dataclass(frozen=True)
class Font:
    """One font family to bundle: npm package, file stem, subset and its Unicode ranges."""

    package: str
    stem: str
    subset: str
    family: str
    unicode_range: str

    def files(self) -> list[str]:
        return [f"{self.stem}-{self.subset}-{w}-normal.woff2" for w in WEIGHTS]


FONTS = (
    Font("@fontsource/noto-sans-khmer", "noto-sans-khmer", "khmer", "clvlib Noto Sans Khmer",
         "U+1780-17FF, U+19E0-19FF, U+200C-200D, U+25CC"),
    Font("@fontsource/noto-sans-lao", "noto-sans-lao", "lao", "clvlib Noto Sans Lao",
         "U+0E81-0EDF, U+200C-200D, U+25CC"),
)


def ensure_fonts(folder: Path) -> Path:
    """The folder holding every bundled WOFF2 file and the fonts' licences; fetched once.

    Examples
    --------
    What the site builder runs (``npm pack`` on the first call only)::

        ensure_fonts(Path("_build/.fonts"))
    """
    folder = Path(folder)
    wanted = [name for font in FONTS for name in font.files()]
    if all((folder / name).is_file() for name in wanted):
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise FontError("the site bundles Noto Sans Khmer and Lao from npm packages, but `npm` "
                        "is not installed (Debian: apt-get install npm)")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clvlib-fonts-") as tmp:
        done = subprocess.run([npm, "pack", "--silent", *[f.package for f in FONTS]], cwd=tmp,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise FontError(f"npm pack {' '.join(f.package for f in FONTS)} failed: "
                            f"{done.stderr.strip()[-500:]}")
        for font in FONTS:
            tgz = next(Path(tmp).glob(f"fontsource-{font.stem}-*.tgz"), None)
            if tgz is None:
                raise FontError(f"npm pack did not produce the package {font.package}")
            with tarfile.open(tgz) as tar:
                for name in [*font.files(), "LICENSE"]:
                    member = tar.extractfile(f"package/files/{name}" if name != "LICENSE"
                                             else "package/LICENSE")
                    if member is None:
                        raise FontError(f"{tgz.name} has no {name}")
                    target = folder / (name if name != "LICENSE" else f"{font.stem}-LICENSE.txt")
                    target.write_bytes(member.read())
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
