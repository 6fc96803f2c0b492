"""The offline teaching site: a Sphinx + myst-nb + sphinx-book-theme book (``make site``).

``build(out)`` writes the teacher edition to ``out/site/``, ``build(out,
student=True)`` the student edition to ``out/site-student/`` (see
:mod:`clvlib.site.book`). Notebooks run through an execution cache keyed on
their code, the data and the library (:mod:`clvlib.site.execute`); the kit's own
pages are generated as pages of the book (:mod:`clvlib.site.pages`).

Examples
--------
>>> from clvlib import site
>>> site.EDITIONS["teacher"]
'site'
"""

from clvlib.site.book import EDITIONS, BuildInterrupted, SphinxBuildError, build
from clvlib.site.execute import NotebookError, execute_notebook
from clvlib.site.pages import notebook_title
from clvlib.teach import (
    SOLUTION_TAG,
    STUB_TAG,
    TEACHER_NOTES_TAG,
    BrokenNotebookError,
    NotebookFolderError,
    OutputPathError,
    notebooks,
    student_copy,
    write_student_copies,
)

__all__ = [
    "EDITIONS",
    "SOLUTION_TAG",
    "STUB_TAG",
    "TEACHER_NOTES_TAG",
    "BrokenNotebookError",
    "BuildInterrupted",
    "NotebookError",
    "NotebookFolderError",
    "OutputPathError",
    "SphinxBuildError",
    "build",
    "execute_notebook",
    "notebook_title",
    "notebooks",
    "student_copy",
    "write_student_copies",
]
