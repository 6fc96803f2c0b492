"""The ``clvlib`` command: a thin shell over the library.

Examples
--------
::

    clvlib datasets
    clvlib describe provinces
    clvlib cite provinces --bibtex
    clvlib validate
    clvlib build --out _build
    clvlib build --out _build --student
    clvlib student --out _build/student
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from clvlib.errors import ClvlibError


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="clvlib", description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="data folder (default: the repository's data/ or $CLVLIB_DATA_DIR)")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("datasets", help="list the tables")
    p = sub.add_parser("describe", help="show a table's schema, description and sources")
    p.add_argument("name")
    p = sub.add_parser("cite", help="print the bibliography of a table")
    p.add_argument("name")
    p.add_argument("--bibtex", action="store_true", help="BibTeX instead of APA")
    p = sub.add_parser("validate", help="check every table; exit 1 on any problem")
    p.add_argument("--no-frictionless", action="store_true",
                   help="project rules only (skip the slower frictionless pass)")
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
    args = _parser().parse_args(argv)
    import pandas as pd

    import clvlib

    try:
        if args.command == "datasets":
            with pd.option_context("display.width", 200, "display.max_colwidth", 60):
                print(clvlib.datasets(data_dir=args.data_dir).to_string(index=False))
        elif args.command == "describe":
            print(clvlib.describe(args.name, data_dir=args.data_dir))
        elif args.command == "cite":
            style = "bibtex" if args.bibtex else "apa"
            print(clvlib.cite(args.name, style=style, data_dir=args.data_dir))
        elif args.command == "validate":
            report = clvlib.validate(data_dir=args.data_dir,
                                     use_frictionless=not args.no_frictionless)
            print(report)
            return 0 if report.ok else 1
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
