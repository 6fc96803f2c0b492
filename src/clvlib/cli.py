"""The ``clvlib`` command: a thin shell over the library.

Examples
--------
::

    clvlib --version
    clvlib datasets
    clvlib describe provinces
    clvlib cite provinces --style chicago-notes
    clvlib cite provinces --bibtex        # or --style ris / csl-json
    clvlib cite --kit
    clvlib notebooks ~/clv-notebooks      # a copy of the notebook series to work in
    clvlib validate
    clvlib sample --seed 20261212          # 40 rows at random, to check against their sources
    clvlib build --out _build
    clvlib build --out _build --student
    clvlib student --out _build/student
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from clvlib.errors import ClvlibError

if TYPE_CHECKING:
    from clvlib.catalog import Report


def _parser() -> argparse.ArgumentParser:
    from clvlib.citation import STYLES

    ap = argparse.ArgumentParser(prog="clvlib", description=__doc__.splitlines()[0])
    ap.add_argument("--version", action="store_true", help="print the code and data versions")
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="data folder (default: the repository's data/ or $CLVLIB_DATA_DIR)")
    sub = ap.add_subparsers(dest="command")
    sub.add_parser("datasets", help="list the tables")
    p = sub.add_parser("describe", help="show a table's schema, description and sources")
    p.add_argument("name")
    p = sub.add_parser("cite", help="print the bibliography of a table, or the kit's citation")
    p.add_argument("name", nargs="?", help="a table (see `clvlib datasets`)")
    p.add_argument("--kit", action="store_true", help="cite the kit itself (code and data release)")
    p.add_argument("--style", choices=STYLES, default="apa", help="citation style or export format")
    p.add_argument("--bibtex", action="store_true", help="same as --style bibtex")
    p = sub.add_parser("notebooks", help="copy the notebook series into a folder of yours")
    p.add_argument("folder", type=Path)
    p.add_argument("--force", action="store_true",
                   help="overwrite notebooks that differ from the series (default: keep them)")
    p = sub.add_parser("validate", help="check every table; exit 1 on any problem")
    p.add_argument("--update-manifest", action="store_true",
                   help="first rewrite data/manifest.json (sha256 and rows of each CSV) from the files")
    p.add_argument("--no-frictionless", action="store_true",
                   help="project rules only (skip the slower frictionless pass)")
    p = sub.add_parser("sample", help="draw rows at random (reproducibly) to audit against their sources")
    p.add_argument("--seed", type=int, required=True, help="the seed; report it with the audit")
    p.add_argument("--n", type=int, default=40, help="how many rows (default 40)")
    p.add_argument("--core", action="store_true",
                   help="only the core tables (events, trade, investment, instruments, project_facts)")
    p = sub.add_parser("build", help="build the offline site (teacher edition, or --student)")
    p.add_argument("--out", type=Path, default=Path("_build"),
                   help="build folder: the site goes to OUT/site/ (OUT/site-student/ with --student)")
    p.add_argument("--notebooks", type=Path, default=None, help="notebook folder")
    p.add_argument("--student", action="store_true",
                   help="the student edition: no solutions, no teacher notes, PDF handouts")
    p = sub.add_parser("student", help="write student copies (solutions replaced by stubs)")
    p.add_argument("--out", type=Path, default=Path("_build/student"), help="output folder")
    p.add_argument("--notebooks", type=Path, default=None, help="notebook folder")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    >>> main(["validate", "--no-frictionless"])  # doctest: +ELLIPSIS
    clvlib validate: ...
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _run(parser, args)
    except BrokenPipeError:
        # the reader went away (``clvlib cite trade | head``): stop quietly, as Unix tools do
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import pandas as pd

    import clvlib

    if args.version:
        print(f"clvlib {clvlib.__version__} (code); data {clvlib.data_version(data_dir=args.data_dir)}")
        return 0
    if args.command is None:
        parser.print_usage(sys.stderr)
        print("clvlib: error: give a command (see clvlib --help)", file=sys.stderr)
        return 2
    try:
        if args.command == "datasets":
            with pd.option_context("display.width", 200, "display.max_colwidth", 60):
                print(clvlib.datasets(data_dir=args.data_dir).to_string(index=False))
        elif args.command == "describe":
            print(clvlib.describe(args.name, data_dir=args.data_dir))
        elif args.command == "cite":
            style = "bibtex" if args.bibtex else args.style
            if args.kit:
                print(clvlib.cite_kit(style=style))
            elif args.name:
                print(clvlib.cite(args.name, style=style, data_dir=args.data_dir))
            else:
                print("clvlib: error: name a table, or use --kit", file=sys.stderr)
                return 2
        elif args.command == "notebooks":
            from clvlib.notebooks import copy_series

            copied = copy_series(args.folder, force=args.force)
            for path, what in copied:
                print(f"{what}: {path}")
        elif args.command == "validate":
            report = clvlib.validate(data_dir=args.data_dir,
                                     use_frictionless=not args.no_frictionless)
            if args.update_manifest:
                return _update_manifest(report, args.data_dir)
            print(report)
            return 0 if report.ok else 1
        elif args.command == "sample":
            from clvlib import audit

            drawn = audit.sample(args.n, seed=args.seed, core=args.core, data_dir=args.data_dir)
            with pd.option_context("display.width", 200, "display.max_colwidth", 80):
                print(drawn.to_string(index=False))
        elif args.command == "build":
            from clvlib import site

            out = site.build(args.out, notebooks=args.notebooks, data_dir=args.data_dir,
                             student=args.student)
            print(f"built {out}")
        elif args.command == "student":
            from clvlib import teach

            for path in teach.write_student_copies(args.out, args.notebooks):
                print(f"wrote {path}")
    except ClvlibError as exc:
        print(f"clvlib: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("clvlib: interrupted", file=sys.stderr)
        return 130
    return 0


def _update_manifest(report: Report, data_dir: Path | None) -> int:
    """Write the manifest only when the data passes every check but the manifest's own.

    A manifest records the files as they are; writing it for broken data would make
    the broken files look deliberate. So the data is validated first: with any
    problem other than a missing, stale or unreadable manifest, nothing is written
    and the status is 1.

    Examples
    --------
    >>> import shutil, tempfile
    >>> from clvlib.catalog import default_data_dir
    >>> copy = Path(tempfile.mkdtemp()) / "data"
    >>> _ = shutil.copytree(default_data_dir(), copy)
    >>> main(["--data-dir", str(copy), "validate", "--update-manifest",
    ...       "--no-frictionless"])  # doctest: +ELLIPSIS
    wrote .../manifest.json
    clvlib validate: ...
    PASSED (project rules): ...
    0
    """
    from dataclasses import replace

    from clvlib.catalog import MANIFEST_CODES, write_manifest

    blocking = [p for p in report.problems if p.code not in MANIFEST_CODES]
    if blocking:
        print(replace(report, problems=blocking))
        print("clvlib: error: manifest.json not written: the data has the problems above; "
              "fix them and run clvlib validate --update-manifest again", file=sys.stderr)
        return 1
    print(f"wrote {write_manifest(data_dir)}")
    # the manifest now matches the files, and the data's own checks passed: that is the report
    print(replace(report, problems=[]))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
