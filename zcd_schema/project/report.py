"""Collects diagnostics, turning (file, JSON pointer) into line and column."""

from __future__ import annotations

from zcd_schema.diagnostics import CODES, Diagnostic
from zcd_schema.project.yamlio import Document


class Reporter:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.documents: dict[str, Document] = {}

    def add(self, code: str, file: str, pointer: str, message: str, *, key: bool = False) -> None:
        """Report ``code`` at ``pointer`` in ``file``: at its key when ``key``, else at its value."""
        document = self.documents.get(file)
        line, column = document.position(pointer, key=key) if document else (1, 1)
        self.diagnostics.append(
            Diagnostic(code, CODES[code].severity, file, line, column, pointer, message)
        )

    def add_at(self, code: str, file: str, pointer: str, message: str, line: int, column: int) -> None:
        self.diagnostics.append(
            Diagnostic(code, CODES[code].severity, file, line, column, pointer, message)
        )
