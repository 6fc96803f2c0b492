"""Build hook: put the repository's ``data/`` and ``notebooks/`` into the built package.

The top-level ``data/`` and ``notebooks/`` folders stay the single source; nothing is
copied into ``src/``. When a wheel is built, their files are copied into the build
folder as ``clvlib/_data/`` and ``clvlib/_notebooks/`` (and ``CITATION.cff`` as
``clvlib/CITATION.cff``), where
:func:`clvlib.paths.data_dir` finds them in an installed (non-editable) clvlib.
Editable installs keep reading the checkout's folders. Metadata is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = {"data": "_data", "notebooks": "_notebooks"}
PATTERNS = ("*.csv", "*.json", "*.md", "*.ipynb", "*.yml", "*.yaml")


class BuildPyWithData(build_py):
    """``build_py`` that also copies the data and the notebooks into ``clvlib/``."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        for source, target in SHIPPED.items():
            dest = Path(self.build_lib) / "clvlib" / target
            if dest.exists():
                shutil.rmtree(dest)
            dest.mkdir(parents=True)
            for pattern in PATTERNS:
                for path in sorted((ROOT / source).glob(pattern)):
                    shutil.copy2(path, dest / path.name)
        shutil.copy2(ROOT / "CITATION.cff", Path(self.build_lib) / "clvlib" / "CITATION.cff")


setup(cmdclass={"build_py": BuildPyWithData})
