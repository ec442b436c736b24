"""``zcd-schema graph``."""

from __future__ import annotations

from pathlib import Path

import click

from zcd_schema.cli.base import cli, debug_option, format_option, project_option
from zcd_schema.errors import ExitCode
from zcd_schema.render.formats import GRAPH_FORMATS


@cli.command()
@project_option
@format_option(
    GRAPH_FORMATS,
    "mermaid: a flowchart (GitHub renders it in a ```mermaid block); dot: Graphviz (dot -Tsvg).",
    default="mermaid",
)
@debug_option
def graph(project: Path, fmt: str) -> ExitCode:
    """Draw the declared objects and the relationship types and lookups between them, offline.

    Custom objects are boxes, legacy object types dashed boxes, Zendesk's own types rounded;
    each arrow is labelled with its key and cardinality (1:1, 1:N, N:1).
    """
    from zcd_schema.project.validate import valid_project
    from zcd_schema.render.graph import GRAPH_RENDERERS, project_graph

    model = valid_project(project, "nothing was drawn").project
    click.echo(GRAPH_RENDERERS[fmt](project_graph(model)), nl=False)
    return ExitCode.OK
