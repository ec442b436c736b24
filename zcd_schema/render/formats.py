"""The names of each command's output formats, apart from their renderers, so that the command
line can declare its options without importing what renders (a test keeps them equal)."""

from __future__ import annotations

VALIDATION_FORMATS = ("text", "json", "github", "sarif")
PLAN_FORMATS = ("text", "markdown", "json", "github")
GRAPH_FORMATS = ("mermaid", "dot")
