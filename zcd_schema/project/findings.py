"""Collects the diagnostics of the check step, turning (file, JSON pointer) into line and column
through the documents that were read."""

from __future__ import annotations

from collections.abc import Mapping

from zcd_schema.diagnostics import CODES, Diagnostic
from zcd_schema.project.yamlio import Document


class Findings:
    def __init__(self, documents: Mapping[str, Document]) -> None:
        # read only: for positions and for the rules that walk the raw values
        self.documents = documents
        self.diagnostics: list[Diagnostic] = []

    def add(self, code: str, file: str, pointer: str, message: str, *, key: bool = False) -> None:
        """Report ``code`` at ``pointer`` in ``file``: at its key when ``key``, else at its
        value."""
        document = self.documents.get(file)
        line, column = document.position(pointer, key=key) if document else (1, 1)
        self.add_at(code, file, pointer, message, line, column)

    def add_at(
        self, code: str, file: str, pointer: str, message: str, line: int, column: int
    ) -> None:
        self.diagnostics.append(
            Diagnostic(code, CODES[code].severity, file, line, column, pointer, message)
        )
