"""The data package descriptor (``data/datapackage.json``): tables as declared, and its own problems."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clvlib.errors import Problem

DESCRIPTOR = "datapackage.json"


@dataclass
class Table:
    """A table as the descriptor declares it (no data).

    Examples
    --------
    >>> from clvlib.catalog import Catalog
    >>> t = Catalog().table("provinces")
    >>> t.primary_key
    ['province_code']
    """

    name: str
    path: Path
    resource: dict[str, Any]

    @property
    def schema(self) -> dict[str, Any]:
        return self.resource.get("schema", {})

    @property
    def fields(self) -> list[dict[str, Any]]:
        return self.schema.get("fields", [])

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def title(self) -> str:
        return self.resource.get("title", self.name)

    @property
    def description(self) -> str:
        return self.resource.get("description", "")

    @property
    def file(self) -> str:
        return self.resource["path"]



def descriptor_problems(descriptor: Any) -> list[Problem]:
    """What makes a descriptor unusable: resources without a name or path, fields without a name, …"""

    def bad(message: str) -> Problem:
        return Problem(DESCRIPTOR, None, None, None, "bad-descriptor", message)

    if not isinstance(descriptor, dict):
        return [bad("the descriptor is not a JSON object")]
    resources = descriptor.get("resources", [])
    if not isinstance(resources, list):
        return [bad("'resources' is not a list")]
    problems: list[Problem] = []
    names: set[str] = set()
    for i, res in enumerate(resources, start=1):
        if not isinstance(res, dict):
            problems.append(bad(f"resource {i} is not a JSON object"))
            continue
        label = f"resource {i} ({res.get('name', 'no name')!r})"
        name, path = res.get("name"), res.get("path")
        if not isinstance(name, str) or not name:
            problems.append(bad(f"resource {i} has no 'name'"))
        elif name in names:
            problems.append(bad(f"{label}: the name is used by an earlier resource"))
        else:
            names.add(name)
        if not isinstance(path, str) or not path:
            problems.append(bad(f"{label} has no 'path' (the CSV file it describes)"))
        elif Path(path).is_absolute() or ".." in Path(path).parts or "://" in path:
            problems.append(bad(f"{label}: 'path' {path!r} must be a file inside the data folder"))
        schema = res.get("schema", {})
        fields = schema.get("fields", []) if isinstance(schema, dict) else None
        if not isinstance(fields, list):
            problems.append(bad(f"{label}: 'schema.fields' is not a list"))
            continue
        for j, fdesc in enumerate(fields, start=1):
            if not isinstance(fdesc, dict) or not isinstance(fdesc.get("name"), str) \
                    or not fdesc["name"]:
                problems.append(bad(f"{label}: field {j} has no 'name'"))
    for res in resources:
        if not isinstance(res, dict) or not isinstance(res.get("schema"), dict):
            continue
        label = f"resource {res.get('name', '?')!r}"
        for fk in res["schema"].get("foreignKeys", []) or []:
            target = (fk.get("reference") or {}).get("resource") if isinstance(fk, dict) else None
            if target and target not in names:
                problems.append(bad(f"{label}: a foreign key refers to {target!r}, no such resource"))
        for fdesc in res["schema"].get("fields", []) or []:
            ref = fdesc.get("clv", {}).get("references") if isinstance(fdesc, dict) else None
            if ref and ref.get("resource") not in names:
                problems.append(bad(f"{label}: field {fdesc.get('name')!r} refers to "
                                    f"{ref.get('resource')!r}, no such resource"))
    return problems
