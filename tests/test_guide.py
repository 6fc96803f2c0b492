"""The teacher's guide: the plan, the notebooks' times, model answers and teacher notes agree."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from clvlib import guide

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PLAN = ROOT / "notebooks" / "teaching_plan.yml"

# Words that make an exercise prompt an open question (asks to judge or explain).
OPEN_WORDS = re.compile(r"\b(why|explain|judge|decide|suggest|what pattern|what changes|what kind|"
                        r"what would|is it a matter)\b", re.IGNORECASE)


def _cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


@pytest.fixture
def series(tmp_path: Path) -> Path:
    """A copy of the notebooks and the plan that a test may break."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS + [PLAN]:
        shutil.copy(path, folder / path.name)
    return folder


def _books(folder: Path) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def _edit_plan(folder: Path, change) -> None:
    plan_file = folder / guide.PLAN_FILE
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    change(plan)
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")


def _edit_notebook(path: Path, change) -> None:
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def test_plan_is_two_sessions_of_ninety_minutes():
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    assert len(plan["sessions"]) == 2
    for session in plan["sessions"]:
        assert session["minutes"] == 90
        assert sum(block["minutes"] for block in session["blocks"]) == 90, session["title"]


def test_each_notebook_states_time_to_learn_as_class_plus_homework_of_the_plan():
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    for path in NOTEBOOKS:
        blocks = [b for s in plan["sessions"] for b in s["blocks"] if b["notebook"] == path.stem]
        in_class = sum(b["minutes"] for b in blocks)
        homework = sum(b.get("homework_minutes", 0) for b in blocks)
        text = "\n".join(c.source for c in _cells(path) if c.cell_type == "markdown")
        stated = re.search(r"## Time to learn\s+About \*\*(\d+) minutes\*\*: (\d+) minutes in class "
                           r"and (\d+) minutes of homework", text)
        assert stated, path.name
        assert tuple(map(int, stated.groups())) == (in_class + homework, in_class, homework), path.name


def test_every_exercise_has_a_tagged_code_solution_and_open_questions_a_model_answer():
    open_questions = 0
    for path in NOTEBOOKS:
        cells = _cells(path)
        for i, cell in enumerate(cells):
            if cell.cell_type != "markdown" or not re.search(r"^### Exercise \d+", cell.source, re.M):
                continue
            prompt = cell.source.split("### Exercise", 1)[1]
            code = cells[i + 1]
            assert code.cell_type == "code" and "solution" in code.metadata.get("tags", []), path.name
            if OPEN_WORDS.search(prompt):
                open_questions += 1
                assert "open-question" in cell.metadata.get("tags", []), (path.name, prompt[:40])
                answer = cells[i + 2]
                assert answer.cell_type == "markdown", (path.name, prompt[:40])
                assert "solution" in answer.metadata.get("tags", []), (path.name, prompt[:40])
                assert len(answer.source.split()) >= 30, (path.name, prompt[:40])
    assert open_questions >= 10


def test_every_discussion_section_is_followed_by_one_note_per_question():
    for path in NOTEBOOKS:
        cells = _cells(path)
        [i] = [k for k, c in enumerate(cells) if "## Discussion questions" in c.source]
        questions = re.findall(r"^\d+\. ", cells[i].source.split("## Discussion questions")[1], re.M)
        notes = cells[i + 1]
        assert "teacher-notes" in notes.metadata.get("tags", []), path.name
        assert len(re.findall(r"^\d+\. ", notes.source, re.M)) == len(questions) > 0, path.name


def test_the_final_cell_is_tagged_sources_used():
    for path in NOTEBOOKS:
        last = _cells(path)[-1]
        assert "clvlib.sources_used(" in last.source
        assert "sources-used" in last.metadata.get("tags", []), path.name


def test_guide_holds_the_plan_every_model_answer_and_every_note():
    page = guide.guide_markdown(NOTEBOOKS)
    assert page.count("| **90** |") == 2
    assert "| **total** | **180 min** | **95 min** | **275 min** |" in page
    assert "[glossary](glossary.md)" in page
    for path in NOTEBOOKS:
        for cell in _cells(path):
            tags = cell.metadata.get("tags", [])
            if cell.cell_type == "markdown" and "solution" in tags:
                assert cell.source.strip() in page, path.name
            if "teacher-notes" in tags:
                for note in re.findall(r"^\d+\. (.+)$", cell.source, re.M):
                    assert note in page, path.name
            if cell.cell_type == "code" and "solution" in tags:
                assert cell.source.splitlines()[0] not in page   # no solution code in the guide
    # the 01 history discussion is done in class, 00's is not
    section = page.split("## 01 · History")[1].split("\n## ")[0]
    assert "*(in class)*" in section
    assert "*(in class)*" not in page.split("## 00 · Start here")[1].split("\n## ")[0]


def test_a_time_mismatch_between_plan_and_notebook_is_caught(series):
    _edit_plan(series, lambda p: p["sessions"][1]["blocks"][0].update(homework_minutes=11))
    with pytest.raises(guide.PlanError, match=r"02_legal_mechanics.ipynb.*10 of homework.*11 of homework"):
        guide.guide_markdown(_books(series))


def test_a_notebook_time_edited_alone_is_caught(series):
    def edit(nb):
        for cell in nb.cells:
            cell.source = cell.source.replace("About **35 minutes**: 25 minutes in class",
                                              "About **40 minutes**: 30 minutes in class")
    _edit_notebook(series / "00_start_here.ipynb", edit)
    with pytest.raises(guide.PlanError, match=r"00_start_here.ipynb.*30 minutes in class"):
        guide.guide_markdown(_books(series))


def test_a_time_that_does_not_add_up_is_caught(series):
    def edit(nb):
        for cell in nb.cells:
            cell.source = cell.source.replace("About **35 minutes**", "About **25 minutes**")
    _edit_notebook(series / "00_start_here.ipynb", edit)
    with pytest.raises(guide.NotebookFormatError, match="00_start_here.ipynb: time to learn 25"):
        guide.guide_markdown(_books(series))


def test_a_session_that_is_not_ninety_minutes_is_caught(series):
    _edit_plan(series, lambda p: p["sessions"][0]["blocks"][0].update(minutes=30))
    with pytest.raises(guide.PlanError, match=r"session 1 .*95 minutes, not the session's 90"):
        guide.guide_markdown(_books(series))


def test_an_exercise_the_notebook_does_not_have_is_caught(series):
    _edit_plan(series, lambda p: p["sessions"][0]["blocks"][1]["homework"].append(7))
    with pytest.raises(guide.PlanError,
                       match=r"exercise 7 of 01_history, which has exercises \[1, 2, 3, 4\]"):
        guide.guide_markdown(_books(series))


def test_an_exercise_left_out_of_the_plan_is_caught(series):
    _edit_plan(series, lambda p: p["sessions"][1]["blocks"][1].update(homework=[1]))
    with pytest.raises(guide.PlanError, match=r"03_economic_ties's exercises \[1, 2, 3\]"):
        guide.guide_markdown(_books(series))


def test_a_notebook_the_series_does_not_have_is_caught(series):
    _edit_plan(series, lambda p: p["sessions"][0]["blocks"][0].update(notebook="06_missing"))
    with pytest.raises(guide.PlanError, match="'06_missing'"):
        guide.guide_markdown(_books(series))


def test_an_open_question_without_model_answer_is_caught(series):
    def edit(nb):
        nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown"
                                               and "solution" in c.metadata.get("tags", []))]
    _edit_notebook(series / "04_geography.ipynb", edit)
    with pytest.raises(guide.MissingAnswerError, match=r"04_geography.ipynb: Exercise 1 is an open question"):
        guide.guide_markdown(_books(series))


def test_missing_or_short_teacher_notes_are_caught(series):
    def drop_one(nb):
        [notes] = [c for c in nb.cells if "teacher-notes" in c.metadata.get("tags", [])]
        notes.source = notes.source.rsplit("\n3. ", 1)[0]
    _edit_notebook(series / "03_economic_ties.ipynb", drop_one)
    with pytest.raises(guide.MissingAnswerError, match="3 discussion questions but 2 teacher notes"):
        guide.guide_markdown(_books(series))

    def drop_all(nb):
        nb.cells = [c for c in nb.cells if "teacher-notes" not in c.metadata.get("tags", [])]
    _edit_notebook(series / "03_economic_ties.ipynb", drop_all)
    with pytest.raises(guide.MissingAnswerError, match="no Markdown cell tagged 'teacher-notes'"):
        guide.guide_markdown(_books(series))


def test_a_broken_plan_file_gets_a_named_error(series):
    (series / guide.PLAN_FILE).write_text("sessions: [", encoding="utf-8")
    with pytest.raises(guide.PlanError, match="not valid YAML"):
        guide.guide_markdown(_books(series))
    (series / guide.PLAN_FILE).write_text("sessions:\n  - title: x\n    minutes: 90\n", encoding="utf-8")
    with pytest.raises(guide.PlanError, match="session 1: field 'blocks'"):
        guide.guide_markdown(_books(series))


def test_readme_plan_table_matches_the_plan():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("**A two-session plan (2 × 90 minutes).**", 1)[1].split("\n\n")[1]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    blocks = [(b["minutes"], b["notebook"]) for s in plan["sessions"] for b in s["blocks"]]
    assert [(int(r[1].split()[0]), r[2].strip("`")) for r in rows] == blocks
    lessons = {p.stem: guide.read_lesson(p) for p in NOTEBOOKS}
    stated = {r[2].strip("`"): int(r[5].split()[0]) for r in rows if r[5]}
    assert stated == {name: lesson.total for name, lesson in lessons.items()}
    assert "_build/site/guide.html" in readme


def test_notebooks_copied_elsewhere_still_find_the_plan_and_a_missing_plan_is_named(tmp_path):
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / path.name)
    copies = _books(tmp_path)
    assert guide.guide_markdown(copies) == guide.guide_markdown(NOTEBOOKS)
    with pytest.raises(guide.PlanError, match="no_plan.yml: teaching plan not found"):
        guide.guide_markdown(copies, plan=tmp_path / "no_plan.yml")


def test_a_homework_reading_that_is_not_text_is_refused(series):
    _edit_plan(series, lambda p: p["sessions"][1]["blocks"][1].update(homework_reading=[3, 4]))
    with pytest.raises(guide.PlanError, match="session 2, block 2: 'homework_reading' must be text"):
        guide.guide_markdown(_books(series))


def test_an_exercise_whose_solution_lost_its_tag_is_caught(series):
    def edit(nb):
        cells = nb.cells
        [i] = [k for k, c in enumerate(cells) if c.source.lstrip().startswith("### Exercise 2")]
        cells[i + 1].metadata["tags"] = []
    _edit_notebook(series / "01_history.ipynb", edit)
    with pytest.raises(guide.MissingAnswerError,
                       match="01_history.ipynb: Exercise 2 has no code cell tagged 'solution'"):
        guide.guide_markdown(_books(series))


def test_a_broken_notebook_is_named(series):
    from clvlib.teach import BrokenNotebookError

    broken = series / "04_geography.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(BrokenNotebookError, match="04_geography.ipynb: not a readable notebook"):
        guide.guide_markdown(_books(series))
    broken.write_text('{"nbformat": 4, "cells": "not a list"}', encoding="utf-8")
    with pytest.raises(BrokenNotebookError, match="04_geography.ipynb"):
        guide.read_lesson(broken)
