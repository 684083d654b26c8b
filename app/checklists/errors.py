"""Typed errors for checklist loading.  Every problem names the file, location and field."""

from __future__ import annotations

from app.records import Record


class Problem(Record):
    """One validation problem.

    Attributes:
        source: file name (or ``<string>``).
        where: ``line 12`` for YAML, ``sheet Items row 7`` for XLSX; may be empty.
        field: dotted path of the field (``sections.[2].items.[0].text.en``) or an item id + field.
        message: what is wrong, in plain words.
    """

    source: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.where.startswith("line "):
            head = f"{self.source}:{self.where[5:]}"
        elif self.where:
            head = f"{self.source} ({self.where})"
        else:
            head = self.source
        return f"{head}: {self.field}: {self.message}" if self.field else f"{head}: {self.message}"


class ChecklistError(ValueError):
    """A checklist file could not be loaded.  ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid checklist"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)

    def report(self) -> str:
        """All problems, one per line."""
        return "\n".join(str(p) for p in self.problems)
