"""The project's own files install and run everything, and say the same thing."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from conftest import ROOT


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _normal(req: str) -> tuple[str, str]:
    r = Requirement(req)
    return r.name.lower().replace("_", "-"), str(r.specifier)


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = _pyproject()["project"]
    wanted = {_normal(d) for d in project["dependencies"]}
    wanted |= {_normal(d) for d in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_normal(d) for d in env["dependencies"] if isinstance(d, str)}
    conda = {c for c in conda if c[0] not in {"python", "pip"}}
    assert conda == wanted
    assert "conda-forge" in env["channels"]
    pip_part = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert "-e ." in pip_part  # the package itself, editable


def test_python_floor_is_the_same():
    project = _pyproject()["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    floor = re.search(r">=\s*([\d.]+)", project["requires-python"]).group(1)
    assert f"python>={floor}" in env["dependencies"]


def test_every_dependency_has_a_lower_bound():
    project = _pyproject()["project"]
    for dep in project["dependencies"] + project["optional-dependencies"]["dev"]:
        assert ">=" in dep, dep


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make site" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.MULTILINE)


def test_makefile_bootstraps_the_venv_from_pyproject():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\$\(STAMP\): pyproject\.toml$", makefile, flags=re.MULTILINE)
    for target in ("site", "test", "lab"):
        assert re.search(rf"^{target}: \$\(STAMP\)( |$)", makefile, flags=re.MULTILINE), target
    # the browser test's Chromium comes from the system's packages, installed by make test
    assert re.search(r"^test: \$\(STAMP\) browser fonts$", makefile, flags=re.MULTILINE)
    assert "apt-get install -y -qq chromium chromium-driver" in makefile
    # the figures' Khmer and Lao fonts too (a missing glyph fails the figure check)
    assert re.search(r"^site: \$\(STAMP\) fonts npm$", makefile, flags=re.MULTILINE)
    assert "apt-get install -y -qq fonts-noto-core" in makefile


def test_licences_and_citation_are_present():
    assert "MIT" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    data_licence = (ROOT / "DATA-LICENSE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in data_licence
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == _pyproject()["project"]["version"]
