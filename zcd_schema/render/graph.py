"""Diagrams of declared objects and the relationship types and lookups between them, as mermaid
(GitHub renders it in markdown) or Graphviz DOT.

Each kind says what it draws (``Kind.graph_node`` and ``Kind.graph_edges``); this module only
collects and writes. Custom objects are boxes, legacy object types dashed boxes, Zendesk's own
types (zen:user, ...) rounded. In a plan's diagram, an item is also marked by its change:
created, updated or replaced, deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from zcd_schema.kinds import KINDS
from zcd_schema.kinds.base import ZEN_SPACE, GraphEdge, GraphNode
from zcd_schema.planning.document import Change
from zcd_schema.project.model import Project

MAX_PLAN_NODES = 60  # a bigger diagram helps no reviewer; the comment says it was left out

_CHANGE_STYLE = {
    "create": "created",
    "update": "changed",
    "replace": "changed",
    "delete": "deleted",
}
_MERMAID_CLASSES = {
    "legacy": "stroke-dasharray: 5 4",
    "zendesk": "fill:#eef2f7,stroke:#8a99ad",
    "created": "fill:#dcf5dc,stroke:#2c8a2c",
    "changed": "fill:#fff3c4,stroke:#a88300",
    "deleted": "fill:#fbdada,stroke:#b42323,stroke-dasharray: 5 4",
}
_MERMAID_EDGE = {
    "created": "stroke:#2c8a2c",
    "changed": "stroke:#a88300",
    "deleted": "stroke:#b42323",
}
_DOT_COLOR = {"created": "#2c8a2c", "changed": "#a88300", "deleted": "#b42323"}


def _node_id(node: GraphNode) -> tuple[str, str]:
    return node.space, node.key


@dataclass
class Graph:
    """Nodes and edges in the order first met; a node or edge may carry the change it is part
    of."""

    nodes: dict[tuple[str, str], GraphNode] = field(default_factory=dict)
    edges: list[GraphEdge] = field(default_factory=list)
    marks: dict[object, str] = field(default_factory=dict)  # node id or edge -> created/...

    def add_node(self, node: GraphNode, mark: str | None = None) -> None:
        known = self.nodes.get(_node_id(node))
        if known is None or (known.title is None and node.title is not None):
            self.nodes[_node_id(node)] = node
        if mark is not None:
            self.marks[_node_id(node)] = mark

    def add_edge(self, edge: GraphEdge, mark: str | None = None) -> None:
        for end in (edge.source, edge.target):
            if _node_id(end) not in self.nodes:
                self.add_node(end)
        if edge not in self.edges:
            self.edges.append(edge)
        if mark is not None:
            self.marks[edge] = mark


def project_graph(project: Project) -> Graph:
    """Every declared object, and every relationship type and lookup between them."""
    graph = Graph()
    for kind in KINDS:
        for key, declared in kind.declared(project).items():
            node = kind.graph_node(key, kind.content(declared))
            if node is not None:
                graph.add_node(node)
    for kind in KINDS:
        for key, declared in kind.declared(project).items():
            for edge in kind.graph_edges(key, kind.content(declared)):
                graph.add_edge(edge)
    return graph


def changes_graph(changes: Iterable[Change]) -> Graph:
    """The objects a plan's changes touch: changed objects, the objects holding changed fields,
    and both ends of changed relationships and lookups."""
    graph = Graph()
    for change in changes:
        mark = _CHANGE_STYLE.get(change.action)
        content = change.after if change.after is not None else change.before or {}
        node = change.kind.graph_node(change.key, content)
        if node is not None:
            graph.add_node(node, mark)
        for edge in change.kind.graph_edges(change.key, content):
            graph.add_edge(edge, mark)
        parent = change.kind.parent
        parent_key = change.kind.parent_key(change.key)
        if parent is not None and parent_key is not None:
            holder = parent.graph_node(parent_key, {})
            if holder is not None:  # a changed part changes its object, unless it is new
                known = _node_id(holder) in graph.marks
                graph.add_node(holder, None if known else "changed")
    return graph


# -- mermaid --------------------------------------------------------------------------------------


def mermaid(graph: Graph) -> str:
    """A mermaid flowchart: node ids n1, n2, ...; every label quoted and escaped."""
    ids = {key: f"n{i}" for i, key in enumerate(graph.nodes, start=1)}
    lines = ["flowchart LR"]
    for key, node in graph.nodes.items():
        label = _mermaid_text(node.key)
        if node.title:
            label += "<br/><small>" + _mermaid_text(node.title) + "</small>"
        shape = ('(["', '"])') if node.space == ZEN_SPACE else ('["', '"]')
        lines.append(f"  {ids[key]}{shape[0]}{label}{shape[1]}")
    for edge in graph.edges:
        label = _mermaid_text(f"{edge.label} ({edge.cardinality})")
        source, target = ids[_node_id(edge.source)], ids[_node_id(edge.target)]
        arrow = "-.->" if graph.marks.get(edge) == "deleted" else "-->"
        lines.append(f'  {source} {arrow}|"{label}"| {target}')
    classes: dict[str, list[str]] = {}
    for key, node in graph.nodes.items():
        name = _node_class(graph, key, node)
        if name is not None:
            classes.setdefault(name, []).append(ids[key])
    for name, members in classes.items():
        lines.append(f"  classDef {name} {_MERMAID_CLASSES[name]}")
        lines.append(f"  class {','.join(members)} {name}")
    styled: dict[str, list[str]] = {}
    for index, edge in enumerate(graph.edges):
        style = _MERMAID_EDGE.get(graph.marks.get(edge, ""))
        if style is not None:
            styled.setdefault(style, []).append(str(index))
    for style, indexes in styled.items():
        lines.append(f"  linkStyle {','.join(indexes)} {style}")
    return "\n".join(lines) + "\n"


def _node_class(graph: Graph, key: tuple[str, str], node: GraphNode) -> str | None:
    """The one class a node gets (mermaid applies one well): its change, else its kind."""
    mark = graph.marks.get(key)
    if mark is not None:
        return mark
    return {"legacy": "legacy", ZEN_SPACE: "zendesk"}.get(node.space)


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted mermaid label: entity codes for what the grammar or the HTML
    label would read (quotes, #, <, >, &, |, ;, backquote), spaces for line breaks."""
    out = []
    for c in " ".join(text.split()):
        if c in '"#<>|;&`':
            out.append(f"#{ord(c)};")
        else:
            out.append(c)
    return "".join(out)


# -- DOT ------------------------------------------------------------------------------------------


def dot(graph: Graph) -> str:
    """A Graphviz digraph: node names are "custom:KEY", "legacy:KEY" or the zen: type; labels
    escaped."""
    lines = [
        "digraph zcd_schema {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for key, node in graph.nodes.items():
        label = node.key + (f"\n{node.title}" if node.title else "")
        attributes = [f"label={_dot_string(label)}"]
        if node.space == ZEN_SPACE:
            attributes += ["shape=box", 'style="rounded,filled"', 'fillcolor="#eef2f7"']
        elif node.space == "legacy":
            attributes.append("style=dashed")
        mark = graph.marks.get(key)
        if mark is not None:
            attributes.append(f'color="{_DOT_COLOR[mark]}"')
            attributes.append("penwidth=2")
        lines.append(f"  {_dot_name(node)} [{', '.join(attributes)}];")
    for edge in graph.edges:
        attributes = [f"label={_dot_string(f'{edge.label} ({edge.cardinality})')}"]
        mark = graph.marks.get(edge)
        if mark is not None:
            attributes.append(f'color="{_DOT_COLOR[mark]}"')
            if mark == "deleted":
                attributes.append("style=dashed")
        source, target = _dot_name(edge.source), _dot_name(edge.target)
        lines.append(f"  {source} -> {target} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_name(node: GraphNode) -> str:
    """ "custom:vehicle", "legacy:product", "zen:user": unique, since the spaces are apart."""
    return _dot_string(node.key if node.space == ZEN_SPACE else f"{node.space}:{node.key}")


def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + escaped.replace("\n", "\\n") + '"'


GRAPH_RENDERERS = {"mermaid": mermaid, "dot": dot}
