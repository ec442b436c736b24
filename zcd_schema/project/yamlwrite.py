"""The YAML writer import and migrate use."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style, and lists indented under their key as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def dump(document: dict[str, Any]) -> str:
    """YAML that this module reads back as the same value: PyYAML's safe dumper quotes every string
    YAML would read as something else (``on``, ``yes``, ``010``, ``1:20``, ``null``...)."""
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
