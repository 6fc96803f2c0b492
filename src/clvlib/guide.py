"""The teacher's guide and the glossary as MyST Markdown pages for the book site.

Placeholder contract (the content work replaces the bodies): the site builder calls
:func:`guide_markdown` and :func:`glossary_markdown` and writes what they return as
pages of the book.

Examples
--------
>>> guide_markdown([]).startswith("# ")
True
"""

from __future__ import annotations

from pathlib import Path


def guide_markdown(notebooks: list[Path]) -> str:
    """The teacher's guide page (MyST Markdown) for the given notebooks.

    Examples
    --------
    >>> "Teacher" in guide_markdown([])
    True
    """
    return "# Teacher's guide\n\n(placeholder)\n"


def glossary_markdown(*, data_dir: Path | None = None) -> str:
    """The glossary page (MyST Markdown).

    Examples
    --------
    >>> glossary_markdown().startswith("# Glossary")
    True
    """
    return "# Glossary\n\n(placeholder)\n"
