"""The teacher's guide and the glossary as MyST Markdown pages for the book site.

The site builder calls :func:`guide_markdown` and :func:`glossary_markdown` and
writes what they return as the book pages ``guide.md`` and ``glossary.md``.

The guide is generated from two places and checks that they agree:

- ``notebooks/teaching_plan.yml``: the 2 × 90-minute plan (sessions, blocks, which
  exercises are done in class, which are homework, which discussion questions are
  taken in class);
- the notebooks themselves: each one's "Time to learn" (class minutes plus homework
  minutes), its exercises (a Markdown prompt headed ``### Exercise N``, tagged
  ``open-question`` when it asks to judge or explain, followed by cells tagged
  ``solution``: the worked code and, for an open question, a Markdown model answer),
  its "Discussion questions" and the ``teacher-notes`` cell with one note per question.

A disagreement is a :class:`PlanError`; a missing model answer or missing notes a
:class:`MissingAnswerError`. Both say which file and which item.

Examples
--------
>>> guide_markdown([]).startswith("# ")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ClvlibError
from .teach import read_notebook
from .values import split_list

PLAN_FILE = "teaching_plan.yml"

_EXERCISE = re.compile(r"^### (Exercise (\d+)\b.*)$", re.MULTILINE)
_TIME = re.compile(
    r"About \*\*(?P<total>\d+) minutes\*\*: (?P<cls>\d+) minutes in class and "
    r"(?P<hw>\d+) minutes of homework"
)
_ITEM = re.compile(r"^(\d+)\. (.*)$")


class GuideError(ClvlibError, ValueError):
    """Base class of the errors of the teacher's guide."""


class PlanError(GuideError):
    """The teaching plan is malformed or disagrees with a notebook (times, exercises)."""


class MissingAnswerError(GuideError):
    """An open question has no model answer, or a discussion section has no notes."""


class NotebookFormatError(GuideError):
    """A notebook lacks a part the guide needs (its time to learn, its discussion questions)."""


@dataclass
class Exercise:
    """One exercise of a notebook: its prompt and its solution cells."""

    number: int
    heading: str
    prompt: str
    open_question: bool
    code_solutions: list[str] = field(default_factory=list)
    model_answers: list[str] = field(default_factory=list)


@dataclass
class Lesson:
    """What the guide needs from one notebook."""

    path: Path
    title: str
    total: int
    class_minutes: int
    homework_minutes: int
    exercises: dict[int, Exercise]
    questions: list[str]
    notes: list[str]


def _numbered(text: str) -> list[str]:
    """The items of the first numbered Markdown list in ``text``.

    Examples
    --------
    >>> _numbered("Intro\\n\\n1. one\\n   more\\n2. two\\n\\nAfter")
    ['one more', 'two']
    """
    items: list[str] = []
    started = False
    for line in text.splitlines():
        m = _ITEM.match(line)
        if m:
            items.append(m.group(2).strip())
            started = True
        elif started and line.strip() and line.startswith(" "):
            items[-1] += " " + line.strip()
        elif started and line.strip():
            break
    return items


def read_lesson(path: Path) -> Lesson:
    """Read a notebook's title, times, exercises, discussion questions and teacher notes.

    Raises
    ------
    clvlib.teach.BrokenNotebookError
        If the file is not a readable notebook (not JSON, not nbformat, unreadable).
    NotebookFormatError
        If the notebook has no parsable "Time to learn" or no "Discussion questions".
    MissingAnswerError
        If an exercise has no code cell tagged ``solution``, an open question has no
        Markdown model answer, or the teacher notes do not give one note per
        discussion question.

    Examples
    --------
    >>> from pathlib import Path
    >>> lesson = read_lesson(Path(__file__).parents[2] / "notebooks" / "00_start_here.ipynb")
    >>> lesson.total == lesson.class_minutes + lesson.homework_minutes
    True
    """
    path = Path(path)
    nb = read_notebook(path)
    cells = nb.cells
    title = path.stem
    time = None
    questions: list[str] | None = None
    notes: list[str] = []
    notes_seen = False
    exercises: dict[int, Exercise] = {}
    current: Exercise | None = None
    for cell in cells:
        tags = set(cell.metadata.get("tags", []))
        src = cell.source
        if cell.cell_type == "markdown":
            first = re.match(r"^# (.+)$", src, flags=re.MULTILINE)
            if first and title == path.stem:
                title = first.group(1).split(":")[0].strip()
            if "## Time to learn" in src and time is None:
                time = _TIME.search(src.split("## Time to learn", 1)[1])
            if "## Discussion questions" in src:
                questions = _numbered(src.split("## Discussion questions", 1)[1])
            if "teacher-notes" in tags:
                notes += _numbered(src)
                notes_seen = True
        m = _EXERCISE.search(src) if cell.cell_type == "markdown" else None
        if m:
            prompt = src[m.end():].strip()
            current = Exercise(int(m.group(2)), m.group(1), prompt, "open-question" in tags)
            exercises[current.number] = current
            continue
        if current is not None and "solution" in tags:
            if cell.cell_type == "code":
                current.code_solutions.append(src)
            else:
                current.model_answers.append(src)
            continue
        if cell.cell_type == "markdown" and re.match(r"^##? ", src):
            current = None
    where = path.name
    if time is None:
        raise NotebookFormatError(
            f"{where}: its 'Time to learn' must read 'About **N minutes**: C minutes in class "
            f"and H minutes of homework ...'")
    total, cls, hw = (int(time.group(k)) for k in ("total", "cls", "hw"))
    if total != cls + hw:
        raise NotebookFormatError(
            f"{where}: time to learn {total} minutes is not {cls} in class + {hw} of homework")
    if not questions:
        raise NotebookFormatError(f"{where}: no numbered 'Discussion questions' found")
    for ex in exercises.values():
        if not ex.code_solutions:
            raise MissingAnswerError(
                f"{where}: {ex.heading} has no code cell tagged 'solution' after its prompt")
        if ex.open_question and not ex.model_answers:
            raise MissingAnswerError(
                f"{where}: {ex.heading} is an open question (tag 'open-question') but no Markdown "
                f"cell tagged 'solution' gives its model answer")
    if not notes_seen:
        raise MissingAnswerError(
            f"{where}: no Markdown cell tagged 'teacher-notes' after the discussion questions")
    if len(notes) != len(questions):
        raise MissingAnswerError(
            f"{where}: {len(questions)} discussion questions but {len(notes)} teacher notes "
            f"(one numbered note per question)")
    return Lesson(path, title, total, cls, hw, exercises, questions, notes)


def _numbers(value: Any, where: str, key: str) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool)
                                              for v in value):
        raise PlanError(f"{where}: '{key}' must be a list of numbers, not {value!r}")
    return value


def load_plan(path: Path) -> list[dict[str, Any]]:
    """Read and shape-check the teaching plan; return its sessions.

    Raises
    ------
    PlanError
        If the file is missing, not YAML, or a session or block lacks a field, or a
        session's blocks do not add up to its minutes.

    Examples
    --------
    >>> from pathlib import Path
    >>> plan = load_plan(Path(__file__).parents[2] / "notebooks" / PLAN_FILE)
    >>> [s["minutes"] for s in plan]
    [90, 90]
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise PlanError(f"{path}: teaching plan not found") from err
    except yaml.YAMLError as err:
        raise PlanError(f"{path}: not valid YAML: {err}") from err
    sessions = data.get("sessions") if isinstance(data, dict) else None
    if not isinstance(sessions, list) or not sessions:
        raise PlanError(f"{path.name}: needs a non-empty list 'sessions'")
    for s, session in enumerate(sessions, 1):
        where = f"{path.name}, session {s}"
        for key, kind in (("title", str), ("minutes", int), ("blocks", list)):
            if not isinstance(session.get(key), kind):
                raise PlanError(f"{where}: field '{key}' missing or not a {kind.__name__}")
        for b, block in enumerate(session["blocks"], 1):
            bwhere = f"{where}, block {b}"
            for key, kind in (("notebook", str), ("minutes", int), ("activity", str)):
                if not isinstance(block.get(key), kind):
                    raise PlanError(f"{bwhere}: field '{key}' missing or not a {kind.__name__}")
            for key in ("in_class", "homework", "discussion"):
                block[key] = _numbers(block.get(key), bwhere, key)
            reading = block.get("homework_reading")
            if reading is not None and not isinstance(reading, str):
                raise PlanError(f"{bwhere}: 'homework_reading' must be text, not {reading!r}")
            hw = block.setdefault("homework_minutes", 0)
            if not isinstance(hw, int) or hw < 0:
                raise PlanError(f"{bwhere}: 'homework_minutes' must be a whole number, not {hw!r}")
        used = sum(block["minutes"] for block in session["blocks"])
        if used != session["minutes"]:
            raise PlanError(
                f"{where} ({session['title']}): blocks add up to {used} minutes, "
                f"not the session's {session['minutes']}")
    return sessions


def check_plan(sessions: list[dict[str, Any]], lessons: dict[str, Lesson],
               plan_name: str = PLAN_FILE) -> None:
    """Check the plan against the notebooks: times, exercises, discussion questions.

    Raises
    ------
    PlanError
        Naming the notebook and what disagrees.

    Examples
    --------
    >>> check_plan([], {})
    """
    class_min: dict[str, int] = {}
    home_min: dict[str, int] = {}
    named: dict[str, list[int]] = {}
    for s, session in enumerate(sessions, 1):
        for b, block in enumerate(session["blocks"], 1):
            name = block["notebook"]
            where = f"{plan_name}, session {s}, block {b}"
            if name not in lessons:
                raise PlanError(f"{where}: names notebook {name!r}, which is not in the series "
                                f"({', '.join(sorted(lessons)) or 'none given'})")
            lesson = lessons[name]
            class_min[name] = class_min.get(name, 0) + block["minutes"]
            home_min[name] = home_min.get(name, 0) + block["homework_minutes"]
            for number in block["in_class"] + block["homework"]:
                if number not in lesson.exercises:
                    raise PlanError(f"{where}: names exercise {number} of {name}, which has "
                                    f"exercises {sorted(lesson.exercises)}")
                named.setdefault(name, []).append(number)
            for number in block["discussion"]:
                if not 1 <= number <= len(lesson.questions):
                    raise PlanError(f"{where}: names discussion question {number} of {name}, "
                                    f"which has {len(lesson.questions)}")
    for name, lesson in lessons.items():
        if name not in class_min:
            raise PlanError(f"{plan_name}: notebook {name} has no block in the plan")
        if (class_min[name], home_min[name]) != (lesson.class_minutes, lesson.homework_minutes):
            raise PlanError(
                f"{lesson.path.name}: time to learn says {lesson.class_minutes} minutes in class "
                f"and {lesson.homework_minutes} of homework; {plan_name} gives "
                f"{class_min[name]} in class and {home_min[name]} of homework")
        got = sorted(named.get(name, []))
        if got != sorted(lesson.exercises):
            raise PlanError(
                f"{plan_name}: {name}'s exercises {sorted(lesson.exercises)} must each be "
                f"named once, in class or as homework; the plan names {got}")


def _list(numbers: list[int], word: str) -> str:
    if not numbers:
        return "—"
    text = ", ".join(str(n) for n in numbers[:-1])
    text = f"{text} and {numbers[-1]}" if text else str(numbers[-1])
    return f"{word}{'s' if len(numbers) > 1 else ''} {text}"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.strip().splitlines())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default_plan(first_notebook: Path) -> Path:
    """``teaching_plan.yml`` next to the notebooks, else the repository's ``notebooks/`` one.

    The fallback serves builders that copy the notebooks elsewhere before rendering.
    """
    beside = first_notebook.parent / PLAN_FILE
    repo = Path(__file__).resolve().parents[2] / "notebooks" / PLAN_FILE
    return beside if beside.is_file() or not repo.is_file() else repo


def guide_markdown(notebooks: list[Path], *, plan: Path | None = None) -> str:
    """The teacher's guide page (MyST Markdown) for the given notebooks.

    Parameters
    ----------
    notebooks : list of Path
        The notebooks of the series.
    plan : Path, optional
        The teaching plan; by default ``teaching_plan.yml`` next to the first notebook
        (or, if there is none, the repository's ``notebooks/teaching_plan.yml``).

    Raises
    ------
    PlanError, MissingAnswerError, NotebookFormatError
        When the plan and the notebooks disagree or an answer or note is missing.

    Examples
    --------
    >>> "Teacher" in guide_markdown([])
    True
    >>> from pathlib import Path
    >>> books = sorted((Path(__file__).parents[2] / "notebooks").glob("0*.ipynb"))
    >>> "| **total** | **180 min**" in guide_markdown(books)
    True
    """
    out = ["# Teacher's guide", ""]
    if not notebooks:
        return "\n".join(out + ["No notebooks were given.", ""])
    lessons = {Path(p).stem: read_lesson(Path(p)) for p in notebooks}
    plan_path = Path(plan) if plan is not None else _default_plan(Path(notebooks[0]))
    sessions = load_plan(plan_path)
    check_plan(sessions, lessons, plan_path.name)

    total_class = sum(lesson.class_minutes for lesson in lessons.values())
    total_home = sum(lesson.homework_minutes for lesson in lessons.values())
    out += [
        f"The series fits {len(sessions)} sessions of "
        f"{' + '.join(str(s['minutes']) for s in sessions)} minutes. "
        "Each notebook's *time to learn* is its time in class plus its homework, and the "
        "notebook states both; this page is generated from `notebooks/teaching_plan.yml` and "
        "the notebooks, and the build stops if they disagree.",
        "",
        "Model answers and notes below are for the teacher: the student edition of the site "
        "leaves out solutions and these notes. The terms students meet are defined, with their "
        "Khmer, Lao and Vietnamese equivalents where a source gives them, in the "
        "[glossary](glossary.md).",
        "",
        "## The two-session plan",
        "",
    ]
    for s, session in enumerate(sessions, 1):
        out += [f"### Session {s} · {session['title']} ({session['minutes']} minutes)", "",
                "| minutes | notebook | in class | homework | discussion questions |",
                "| ---: | --- | --- | --- | --- |"]
        for block in session["blocks"]:
            lesson = lessons[block["notebook"]]
            inclass = _cell(block["activity"])
            if block["in_class"]:
                inclass += f" {_list(block['in_class'], 'Exercise')}."
            home = _list(block["homework"], "exercise")
            if block.get("homework_reading"):
                home = f"{_cell(block['homework_reading'])} {home}"
            if block["homework_minutes"]:
                home += f" ({block['homework_minutes']} min)"
            disc = _list(block["discussion"], "question")
            out.append(f"| {block['minutes']} | [{lesson.title}]({lesson.path.name}) | {inclass} "
                       f"| {home} | {disc} |")
        out += [f"| **{session['minutes']}** | | | | |", ""]
    out += ["### Time per notebook", "",
            "| notebook | in class | homework | time to learn |",
            "| --- | ---: | ---: | ---: |"]
    for lesson in lessons.values():
        out.append(f"| [{lesson.title}]({lesson.path.name}) | {lesson.class_minutes} min "
                   f"| {lesson.homework_minutes} min | {lesson.total} min |")
    out += [f"| **total** | **{total_class} min** | **{total_home} min** "
            f"| **{total_class + total_home} min** |", ""]

    where_done: dict[tuple[str, int], str] = {}
    taken: dict[str, list[int]] = {}
    for session_no, session in enumerate(sessions, 1):
        for block in session["blocks"]:
            for n in block["in_class"]:
                where_done[block["notebook"], n] = f"in class, session {session_no}"
            for n in block["homework"]:
                where_done[block["notebook"], n] = f"homework after session {session_no}"
            taken.setdefault(block["notebook"], []).extend(block["discussion"])
    for name, lesson in lessons.items():
        out += [f"## {lesson.title}", "",
                f"[Open the notebook]({lesson.path.name}). Time to learn: {lesson.total} minutes "
                f"({lesson.class_minutes} in class, {lesson.homework_minutes} of homework).", "",
                "### Exercises", ""]
        for number in sorted(lesson.exercises):
            ex = lesson.exercises[number]
            kind = "open question" if ex.open_question else "exercise with a worked code solution"
            out += [f"#### {ex.heading}", "",
                    f"*{where_done[name, number]}; {kind}.*", "", _quote(ex.prompt), ""]
            for answer in ex.model_answers:
                out += [answer.strip(), ""]
            if not ex.model_answers:
                out += ["The worked code solution is in the teacher edition of the notebook.", ""]
        out += ["### Discussion questions and notes", ""]
        for k, (question, note) in enumerate(zip(lesson.questions, lesson.notes, strict=True), 1):
            when = "in class" if k in taken.get(name, []) else "for homework or a forum"
            out += [f"{k}. **{question}** *({when})*", "", f"   {note}", ""]
    return "\n".join(out).rstrip() + "\n"


LANGUAGES = (("km", "Khmer"), ("lo", "Lao"), ("vi", "Vietnamese"))
GLOSSARY_FILE = "glossary.csv"


class GlossaryError(GuideError):
    """A glossary row gives an equivalent without its source, or a source without an equivalent."""


def _check_glossary(terms: Any) -> None:
    for position, row in enumerate(terms.itertuples(index=False), start=2):
        for code, language in LANGUAGES:
            word = getattr(row, code)
            has_word = isinstance(word, str) and word.strip() != ""
            has_source = bool(split_list(getattr(row, f"{code}_source_ids")))
            if has_word != has_source:
                what = (f"gives a {language} equivalent without {code}_source_ids" if has_word
                        else f"cites {code}_source_ids but gives no {language} equivalent")
                raise GlossaryError(f"{GLOSSARY_FILE}, row {position}, column {code!r}, "
                                    f"term {row.term_id!r}: {what}")


def glossary_markdown(*, data_dir: Path | None = None) -> str:
    """The glossary page (MyST Markdown), from the ``glossary`` table.

    Each term gets a section (target ``term-<term_id>``) with its definition, its Khmer,
    Lao and Vietnamese equivalents where a source gives them, the notebooks where it is
    met and related terms; every definition and equivalent cites its sources, listed in
    full (APA, as :func:`clvlib.cite` writes them) at the end of the page under targets
    ``glossary-source-<source_id>``.

    Raises
    ------
    GlossaryError
        If a row gives an equivalent without its source, or the other way round.

    Examples
    --------
    >>> page = glossary_markdown()
    >>> page.startswith("# Glossary")
    True
    >>> "(term-ratification)=" in page
    True
    """
    from . import data

    terms = data.load("glossary", data_dir=data_dir)
    _check_glossary(terms)
    bib = data.cite(terms, data_dir=data_dir)
    lines = str(bib).split("\n")[: len(bib.ids)]   # one line per source; the data-release note follows
    entries = dict(zip(bib.ids, lines, strict=True))
    terms = terms.assign(_key=terms["term"].str.lower()).sort_values("_key")

    def cite(ids: list[str]) -> str:
        return ", ".join(f"{{ref}}`{i} <glossary-source-{i}>`" for i in ids)

    def ref(term_id: str) -> str:
        term = terms.loc[terms["term_id"] == term_id, "term"].iloc[0]
        return f"{{ref}}`{term} <term-{term_id}>`"

    out = ["# Glossary", "",
           "The terms a student meets in the notebooks, defined in the kit's own words. The Khmer, "
           "Lao and Vietnamese equivalents are given only where a source the project read gives them, "
           "and each cites that source; a dash marks a gap (no source read gave one), not a claim "
           "that the language has no word for it. The table is `glossary` in the kit's data "
           "(`clvlib.load(\"glossary\")`).", "",
           "| term | Khmer | Lao | Vietnamese |", "| --- | --- | --- | --- |"]
    for row in terms.itertuples(index=False):
        cells = [(getattr(row, code) or "—") if isinstance(getattr(row, code), str) else "—"
                 for code, _ in LANGUAGES]
        out.append(f"| {ref(row.term_id)} | " + " | ".join(cells) + " |")
    out.append("")
    for row in terms.itertuples(index=False):
        out += [f"(term-{row.term_id})=", f"## {row.term}", "",
                f"{row.definition} (Sources: {cite(split_list(row.source_ids))}.)", ""]
        for code, language in LANGUAGES:
            word = getattr(row, code)
            if isinstance(word, str) and word.strip():
                out.append(f"- **{language}:** {word} (source: "
                           f"{cite(split_list(getattr(row, f'{code}_source_ids')))})")
            else:
                out.append(f"- **{language}:** — (no source read gives one)")
        out.append("")
        books = split_list(row.notebooks)
        if books:
            out += ["Met in: " + ", ".join(f"[{b}]({b}.ipynb)" for b in books) + ".", ""]
        related = split_list(row.see_also)
        if related:
            out += ["See also: " + ", ".join(ref(t) for t in related) + ".", ""]
        if isinstance(row.notes, str) and row.notes.strip():
            out += [f"*Notes:* {row.notes}", ""]
    out += ["## Sources of the glossary", ""]
    for source_id in bib.ids:
        out += [f"(glossary-source-{source_id})=", f"`{source_id}`: {entries[source_id]}", ""]
    return "\n".join(out).rstrip() + "\n"
