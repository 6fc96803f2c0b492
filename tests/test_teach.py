"""Student copies of the notebooks (`clvlib student`)."""

from __future__ import annotations

import nbformat

from clvlib import site, teach


def test_student_copy_has_no_solution_and_keeps_everything_else():
    for path in teach.notebooks():
        teacher = teach.read_notebook(path)
        student = teach.student_copy(teacher)
        private = [c for c in teacher.cells
                   if {teach.SOLUTION_TAG, teach.TEACHER_NOTES_TAG} & set(teach.tags(c))]
        code_solutions = [c for c in private if c.cell_type == "code"
                          and teach.SOLUTION_TAG in teach.tags(c)]
        assert code_solutions, path.name   # every notebook has exercises with solutions
        assert len(student.cells) == len(teacher.cells) - (len(private) - len(code_solutions))
        text = "\n".join(c.source for c in student.cells)
        for cell in private:
            for line in cell.source.splitlines():
                if len(line.strip()) > 12 and not line.strip().startswith("#"):
                    assert line not in text, (path.name, line)
        kept = iter(student.cells)
        for before in teacher.cells:
            tags = set(teach.tags(before))
            if teach.TEACHER_NOTES_TAG in tags or (teach.SOLUTION_TAG in tags
                                                   and before.cell_type != "code"):
                continue
            after = next(kept)
            if teach.SOLUTION_TAG in tags:
                assert after.cell_type == "code" and teach.STUB_TAG in after.metadata.tags
                assert after.id == before.id
                assert all(line.startswith("#") for line in after.source.splitlines())
            else:
                assert after == before   # prompts and every other cell unchanged


def test_student_copies_execute_and_regenerate_identically(tmp_path):
    first = teach.write_student_copies(tmp_path / "a")
    again = teach.write_student_copies(tmp_path / "a")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    # a copy of a copy is the same copy
    nb = nbformat.read(first[0], as_version=4)
    assert teach.student_copy(nb) == nb
    executed = site.execute.run_parallel(first)   # raises NotebookError on any failing cell
    for path in first:
        stubs = [c for c in executed[path].cells if teach.STUB_TAG in teach.tags(c)]
        assert stubs and all(not c.outputs for c in stubs), path.name


def test_a_failed_write_keeps_the_old_copy_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    import errno
    import os

    import pytest

    first = teach.write_student_copies(tmp_path / "a")
    before = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space left"):
        teach.write_notebook(nbformat.v4.new_notebook(), first[0])
    assert {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()} == before


def test_notebook_copies_are_written_through_the_one_atomic_write_helper(tmp_path, monkeypatch):
    from clvlib import cache
    from clvlib.notebooks import copy_series

    written = []
    real = cache.write_atomic

    def recording(path, data):
        written.append(path)
        real(path, data)

    monkeypatch.setattr(cache, "write_atomic", recording)
    students = teach.write_student_copies(tmp_path / "student")
    copies = [path for path, _ in copy_series(tmp_path / "mine")]
    assert written == students + copies and len(students) == len(teach.notebooks())
