"""The site builder's cache and faults, on small notebooks (each test builds a tiny book)."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from clvlib import site, teach
from clvlib.cli import main
from clvlib.site import book, editions, fonts
from conftest import read_rows, write_rows

EVENT = "kh_vn_relations_1967"
# a 1x1 PNG
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


@pytest.fixture(scope="module")
def font_dir(tmp_path_factory) -> Path:
    return fonts.ensure_fonts(tmp_path_factory.mktemp("fonts"))


def _book(folder: Path, *cells: str, name: str = "00_tiny.ipynb", markdown: str = "Some text.") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# 00 · Tiny\n\n## Overview\n\n{markdown}"),
        *[nbformat.v4.new_code_cell(c) for c in cells]])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / name)
    return folder


def _build(out, books, font_dir, **kw):
    return book.build(out, notebooks=books, student=True, handouts_pdf=False, fonts_dir=font_dir,
                      log=lambda m: None, **kw)


def _old_site(out: Path) -> Path:
    (out / "site-student").mkdir(parents=True)
    (out / "site-student" / "index.html").write_text("the previous site")
    return out / "site-student" / "index.html"


def _title_cell() -> str:
    return ("import clvlib\nev = clvlib.load_events()\n"
            f"print('TITLE:', ev.loc[ev['event_id'] == '{EVENT}', 'title'].iloc[0])")


def test_data_edit_reexecutes_and_nothing_changed_executes_nothing(tmp_path, data_copy, font_dir):
    books = _book(tmp_path / "nb", _title_cell())
    out = tmp_path / "out"
    page = _build(out, books, font_dir, data_dir=data_copy).parent / "00_tiny.html"
    assert "TITLE: Cambodia and North Vietnam establish diplomatic relations" in page.read_text()
    stamp = json.loads((out / "site-student" / book.STAMP).read_text())
    assert stamp["executed"] == ["00_tiny.ipynb"]

    # an edit to an event title in the data: the page shows the new title (not a stale one)
    header, rows = read_rows(data_copy / "events.csv")
    next(r for r in rows if r["event_id"] == EVENT)["title"] = "A title edited for the test"
    write_rows(data_copy / "events.csv", header, rows)
    _build(out, books, font_dir, data_dir=data_copy)
    assert "TITLE: A title edited for the test" in page.read_text()
    assert json.loads((out / "site-student" / book.STAMP).read_text())["executed"] == ["00_tiny.ipynb"]

    # nothing changed: nothing runs and the site is left as it is
    before = page.stat().st_mtime_ns
    messages = []
    book.build(out, notebooks=books, student=True, handouts_pdf=False, fonts_dir=font_dir,
               data_dir=data_copy, log=messages.append)
    assert page.stat().st_mtime_ns == before and "up to date" in messages[0]

    # a Markdown edit re-renders the page from the cache: no execution
    _book(books, _title_cell(), markdown="Edited prose.")
    _build(out, books, font_dir, data_dir=data_copy)
    assert "Edited prose." in page.read_text()
    assert json.loads((out / "site-student" / book.STAMP).read_text())["executed"] == []
    # the execution cache lives in the build folder, one folder per data and library digest
    assert len(list((out / ".jupyter_cache").iterdir())) == 1


def test_gallery_and_alt_text_come_from_the_figure_outputs(tmp_path, font_dir):
    info = {"name": "dots", "title": "Two dots", "caption": "A caption for the dots.",
            "alt": "Two grey dots on white", "credit": "Sources: kh_vn_relations.",
            "sources": ["vnplus_ties_1967"], "csv": "x,y\n1,2\n"}
    svg = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    cell = ("from IPython.display import display\n"
            f"display({{'image/png': {PNG!r}, 'image/svg+xml': {svg!r}, "
            f"'text/plain': 'Two dots'}}, metadata={{'clvlib': {info!r}}}, raw=True)")
    books = _book(tmp_path / "nb", cell)
    root = _build(tmp_path / "out", books, font_dir).parent
    gallery = (root / "gallery.html").read_text(encoding="utf-8")
    assert "Two dots" in gallery and "A caption for the dots." in gallery
    assert 'alt="Two grey dots on white"' in gallery
    assert 'href="bibliography.html#vnplus_ties_1967"' in gallery
    files = re.findall(r'href="(_downloads/[^"]+)"', gallery)
    assert sorted(Path(f).suffix for f in files) == [".csv", ".png", ".svg"]
    assert (root / next(f for f in files if f.endswith(".csv"))).read_text() == "x,y\n1,2\n"
    page = (root / "00_tiny.html").read_text(encoding="utf-8")
    assert 'alt="Two grey dots on white"' in page


def test_a_failing_cell_names_notebook_and_cell_and_keeps_the_site(tmp_path, font_dir):
    books = _book(tmp_path / "nb", "x = 1", "raise RuntimeError('boom')", name="07_broken.ipynb")
    old = _old_site(tmp_path / "out")
    with pytest.raises(site.NotebookError) as excinfo:
        _build(tmp_path / "out", books, font_dir)
    assert excinfo.value.cell == 2
    assert "07_broken.ipynb" in str(excinfo.value) and "boom" in str(excinfo.value)
    assert old.read_text() == "the previous site"
    assert not (tmp_path / "out" / ".site-student.new").exists()


@pytest.mark.parametrize("folder", ["missing", "empty", "file"])
def test_missing_or_empty_notebook_folder_is_refused_before_anything(tmp_path, folder):
    target = tmp_path / folder
    if folder == "empty":
        target.mkdir()
    if folder == "file":
        target.write_text("not a folder")
    old = _old_site(tmp_path / "out")
    with pytest.raises(teach.NotebookFolderError, match=re.escape(str(target))):
        book.build(tmp_path / "out", notebooks=target, student=True)
    assert old.read_text() == "the previous site"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["site-student"]


def test_a_broken_notebook_is_named(tmp_path, capsys):
    books = _book(tmp_path / "nb", "1 + 1")
    (books / "01_broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    old = _old_site(tmp_path / "out")
    with pytest.raises(teach.BrokenNotebookError, match="01_broken.ipynb"):
        book.build(tmp_path / "out", notebooks=books, student=True)
    assert old.read_text() == "the previous site"
    # the student command reads every notebook before writing any copy
    assert main(["student", "--notebooks", str(books), "--out", str(tmp_path / "copies")]) == 1
    err = capsys.readouterr().err
    assert "01_broken.ipynb" in err and "Traceback" not in err
    assert not (tmp_path / "copies").exists()
    assert main(["build", "--notebooks", str(books), "--out", str(tmp_path / "out")]) == 1
    assert "01_broken.ipynb" in capsys.readouterr().err


def test_cli_student_errors_are_clear(tmp_path, capsys):
    assert main(["student", "--notebooks", str(tmp_path / "typo"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "typo" in err and "does not exist" in err and "Traceback" not in err
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    assert main(["student", "--out", str(a_file)]) == 1
    err = capsys.readouterr().err
    assert "is an existing file" in err and "Traceback" not in err
    assert a_file.read_text() == "x"
    assert main(["build", "--notebooks", str(tmp_path / "typo"), "--out", str(tmp_path / "o")]) == 1
    assert "does not exist" in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_cli_student_writes_the_copies(tmp_path):
    assert main(["student", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in site.notebooks()]


def test_ctrl_c_stops_cleanly_and_keeps_the_site(tmp_path):
    books = _book(tmp_path / "nb", "import time\ntime.sleep(60)")
    out = tmp_path / "out"
    old = _old_site(out)
    exe = Path(sys.executable).with_name("clvlib")
    # as from a terminal: Ctrl-C not ignored (a background job of a script inherits it ignored)
    proc = subprocess.Popen([str(exe), "build", "--student", "--notebooks", str(books), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (out / ".jupyter_cache").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)           # the notebook is running in its kernel now
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err and "interrupted" in err
    assert old.read_text() == "the previous site"
    assert not (out / ".site-student.new").exists()


def test_the_swap_never_leaves_the_folder_without_a_site(tmp_path, monkeypatch):
    final, new = tmp_path / "site", tmp_path / ".site.new"
    final.mkdir()
    (final / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    rename = Path.rename
    calls = []

    def interrupted_rename(self, target):
        calls.append(self.name)
        if len(calls) == 1:         # Ctrl-C between moving the old site aside and the new one in
            os.kill(os.getpid(), signal.SIGINT)
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", interrupted_rename)
    with pytest.raises(KeyboardInterrupt):
        book._swap(new, final)
    assert calls == ["site", ".site.new"]          # both moves happened before the interrupt
    assert (final / "index.html").read_text() == "new"
    # a swap cut short by a power loss (old site aside, none in place) is put back
    monkeypatch.setattr(Path, "rename", rename)
    final.rename(tmp_path / ".site.old")
    book._recover(final)
    assert (final / "index.html").read_text() == "new"


def test_cli_build_help_names_both_editions():
    done = subprocess.run([sys.executable, "-m", "clvlib.cli", "build", "--help"], capture_output=True,
                          text=True)
    assert "--student" in done.stdout


def test_editions_fold_or_remove_model_answers_and_teacher_notes():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        md("# 00 · T\n\n## Overview\n\nStory."),
        md("### Exercise 1\nWhy?"),
        code("answer = 42", metadata={"tags": ["solution"]}),
        md("Because ```x``` matters.", metadata={"tags": ["solution"]}),
        md("Ask the class first.", metadata={"tags": ["teacher-notes"]}),
        code("clvlib.sources_used()"),
    ])
    nb.cells[-1].outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/markdown": "- Doe (2020). *T*.", "text/plain": "Doe"})]
    apa = {"Doe (2020). *T*.": "doe20"}
    teacher = editions.edition_notebook(nb, "00_t", student=False, apa=apa, ids={"doe20"})
    sources = [c.source for c in teacher.cells]
    assert sources[1].startswith('<div class="clv-downloads">')       # downloads after the header
    assert "hide-cell" in teacher.cells[3].metadata.tags
    assert sources[4].startswith("````{admonition} Solution (model answer)\n:class: dropdown")
    assert sources[5].startswith("````{admonition} Notes for the teacher\n:class: dropdown")
    footer = teacher.cells[6]
    assert "hide-cell" in footer.metadata.tags
    assert footer.outputs[0].data["text/markdown"] == (
        '- <a class="clv-source" href="bibliography.html#doe20">doe20</a>: Doe (2020). *T*.')
    student = editions.edition_notebook(nb, "00_t", student=True, apa=apa, ids={"doe20"})
    text = "\n".join(c.source for c in student.cells)
    assert "answer = 42" not in text and "Because" not in text and "Ask the class" not in text
    assert "teacher copy (with solutions)" not in text and "student copy" in text
    assert len(student.cells) == len(nb.cells) - 2 + 1   # two removed, the downloads line added
