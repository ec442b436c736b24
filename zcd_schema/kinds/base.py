"""What every resource kind is described by, and the vocabulary the kinds and the planner share.

A ``Kind`` says everything zcd-schema must know about one family of Zendesk objects: where the
declarations live in the project, its endpoints and envelope, which fields are written, how a live
item is normalised, how a change is judged, in which apply steps it is written, and how import
writes it back as YAML. Planning, applying, rendering and import only ever ask the kind; none of
them branches on a kind's name. This module knows nothing of HTTP: writes go through ``Api``,
which the Zendesk layer implements.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol
from urllib.parse import quote

from zcd_schema.project.model import Origin, Project

# -- risk ---------------------------------------------------------------------------------------

SAFE, BREAKING, DESTRUCTIVE = "safe", "breaking", "destructive"
RISKS = (SAFE, BREAKING, DESTRUCTIVE)  # in rising order
ACTIONS = ("create", "update", "replace", "delete")


def worst(risks: list[str]) -> str:
    return max(risks, key=RISKS.index) if risks else SAFE


Judged = tuple[str, tuple[str, ...]]  # (risk, reasons a reviewer can read)

# -- what the diff produces ---------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One leaf that differs between live and declared content: a path, and what happened there."""

    path: tuple[str, ...]
    action: str  # "added", "removed" or "changed"
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class Delta:
    """One object whose declared content differs from the live one, before it is judged."""

    kind: Kind
    key: str
    action: str  # create, update, replace, delete
    # the live content (normalised, without the key), None for a create
    before: dict[str, Any] | None
    after: dict[str, Any] | None  # the declared content, None for a delete
    differences: tuple[Difference, ...] = ()
    prevent_destroy: bool = False
    # (kind name, key) of every item the same plan creates: the context of a change's risk (a
    # required field on an object created with it leaves no record without a value)
    created: frozenset[tuple[str, str]] = frozenset()


# -- what a diagram draws (graph, and the plan comment's diagram) ----------------------------------

ZEN_SPACE = "zen"  # Zendesk's own types: zen:user, zen:ticket, ...


@dataclass(frozen=True)
class GraphNode:
    """An object in a diagram: ``space`` keeps custom objects, legacy object types and Zendesk's
    types apart, since the same key may name one of each."""

    space: str  # "custom", "legacy" or "zen"
    key: str
    title: str | None = None


@dataclass(frozen=True)
class GraphEdge:
    """A relationship type or lookup field, from the object that holds it to the one it names."""

    source: GraphNode
    target: GraphNode
    label: str  # the relationship type's or the field's key
    cardinality: str  # "1:1", "1:N" (a relationship type), "N:1" (a lookup)


def graph_end(reference: str, space: str) -> GraphNode:
    """The node a reference names: a zen: type, or an item of ``space``."""
    return (
        GraphNode(ZEN_SPACE, reference)
        if reference.startswith("zen:")
        else GraphNode(space, reference)
    )


# -- the live side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountLimit:
    """One of an account's quotas as the account reports it: how many it allows, how many exist."""

    key: str
    limit: int
    count: int


@dataclass(frozen=True)
class LiveState:
    """What an account holds, as read: every item by (kind name, key), and the account's quotas."""

    items: Mapping[tuple[str, str], dict[str, Any]]
    limits: Mapping[str, AccountLimit] | None = None  # None when the account does not show them
    missing: frozenset[str] = frozenset()  # kinds whose API the account does not have (removed)
    # the kinds this state speaks for (None: every kind); the others are left out of a plan
    covered: frozenset[str] | None = None

    def of(self, kind: Kind) -> dict[str, dict[str, Any]]:
        """The live items of one kind, by key."""
        return {key: item for (name, key), item in self.items.items() if name == kind.name}

    def item(self, kind: Kind, key: str) -> dict[str, Any] | None:
        return self.items.get((kind.name, key))


class Declared(Protocol):
    """What a kind's declared record offers the planner."""

    @property
    def key(self) -> str: ...

    @property
    def origin(self) -> Origin | None: ...

    @property
    def prevent_destroy(self) -> bool: ...


class ReadApi(Protocol):
    """The reads a kind needs to list an account; ``zendesk.read`` implements them over HTTP."""

    def list(
        self,
        path: str,
        *,
        envelope: str = "data",
        params: Mapping[str, Any] | None = None,
        page_param: str = "per_page",
        page_size: int | None = 1000,
    ) -> list[Any]: ...

    def get(self, path: str) -> Any: ...

    def each(self, work: Callable[[Any], Any], items: Sequence[Any]) -> builtins.list[Any]: ...


class Api(ReadApi, Protocol):
    """The writes a kind's apply steps need, beside the reads; ``zendesk.write`` implements them
    over HTTP."""

    def create(self, kind: Kind, content: dict[str, Any]) -> object: ...

    def update(self, kind: Kind, content: dict[str, Any]) -> object: ...

    def delete(self, kind: Kind, key: str) -> None: ...

    def read(self, kind: Kind, key: str) -> dict[str, Any] | None: ...

    def request(self, method: str, path: str, body: Any = None) -> Any: ...


@dataclass
class KindRead:
    """What reading a kind (and the kinds read with it) found: items by kind name, and limits."""

    items: dict[str, list[dict[str, Any]]]
    limits: dict[str, AccountLimit] = field(default_factory=dict)


class Step(NamedTuple):
    """One apply step: the changes of ``actions`` get ``operation``. Steps of all kinds run in
    ``order``; a change whose action appears in two steps (a replace) is written in two parts.
    ``when``, if given, picks the changes by their content (the declared one for creates and
    updates, the live one for deletes)."""

    order: int
    actions: tuple[str, ...]
    operation: str  # "create", "update", "delete", or a kind's own (e.g. "reorder")
    when: Callable[[dict[str, Any]], bool] | None = None

    def takes(
        self, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> bool:
        if action not in self.actions:
            return False
        if self.when is None:
            return True
        content = before if self.operation == "delete" else after
        return self.when(content or {})


# -- the kind -----------------------------------------------------------------------------------

SERVER_OWNED = ("created_at", "updated_at", "version")
_UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]")


class Kind:
    """The description of one resource kind. Subclasses fill in the class attributes and override
    the hooks whose default does not fit; one instance of each is listed in ``kinds.KINDS``."""

    name: str  # the plan document's "kind"
    label: str  # for people: "object type"
    section: str  # the YAML section, and the Project attribute holding the declarations
    collection: str  # the endpoint that lists and creates
    create_fields: tuple[str, ...]
    update_fields: tuple[str, ...] = ()  # empty: the kind cannot be updated, only replaced
    steps: tuple[Step, ...] = ()
    limit_key: str | None = None  # the account limit that counts this kind's items
    update_method = "PUT"
    parent: Kind | None = None  # a part of another kind's item (a field of its object)
    read_by_parent = False  # listed when the parent kind is read, not on its own
    deletable = True  # False: never planned for deletion (it goes with its parent)
    legacy = False  # an API Zendesk removed: an account may answer 404 for it
    offline = False  # no API reads it back: compared only between two revisions (plan --base)
    # the parts whose creation moves this item: when one of them is created or replaced under the
    # same parent, this item is written too (an object's field order, after new fields)
    follows: Kind | None = None

    def __repr__(self) -> str:
        return f"<kind {self.name}>"

    # declarations
    def declared(self, project: Project) -> Mapping[str, Declared]:
        declarations: Mapping[str, Declared] = getattr(project, self.section)
        return declarations

    def content(self, declared: Any) -> dict[str, Any]:
        """The writable fields of a declaration, key included, as the API takes them."""
        raise NotImplementedError

    def label_of(self, key: str) -> str:
        """How people read one item: "object type product"."""
        return f"{self.label} {key}"

    def parent_key(self, key: str) -> str | None:
        """The key of the parent item (``parent``'s), for a part of one; None otherwise."""
        return None

    def target_names(self, key: str) -> set[str]:
        """The --target names that select this item: its key, and its parent's."""
        parent = self.parent_key(key)
        return {key} if parent is None else {key, parent}

    def comparable(self, after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
        """The live content as it compares with the declared one: what the declaration leaves
        to Zendesk (an attribute it does not set) is left out of the comparison."""
        return before

    # the API
    def read(self, api: ReadApi) -> KindRead:
        """This kind's live items (and those of the kinds read with it), with their limits."""
        return KindRead({self.name: api.list(self.collection)})

    def read_one(self, api: ReadApi, key: str) -> dict[str, Any] | None:
        """One item as it is now (this kind's content); None when it does not exist (a 404 is
        turned into None by the caller)."""
        item = self.unwrap(api.get(self.item_path(key)))
        return self.adopt(item, key) if isinstance(item, dict) else None

    def follow(self, after: dict[str, Any], moved: list[str]) -> dict[str, Any]:
        """The content to write once the parts ``moved`` (keys of ``follows``) were created."""
        return after

    def matches(self, found: dict[str, Any], content: dict[str, Any]) -> bool:
        """Whether a live item holds ``content`` as far as this tool manages it (a create whose
        answer was lost is done when the item read back matches)."""
        wanted = {k: v for k, v in self.normalize(content).items() if k != "key"}
        live = {k: v for k, v in self.normalize(found).items() if k != "key"}
        return _same(self.comparable(wanted, live), wanted)

    def change_action(self, before: dict[str, Any], after: dict[str, Any]) -> str:
        """How a changed item is carried out: "update", or "replace" (delete, then create)."""
        return "update" if self.update_fields else "replace"

    def collection_path(self, key: str) -> str:
        """Where an item of this key is created."""
        return self.collection

    def item_path(self, key: str) -> str:
        return f"{self.collection}/{quote(key, safe='')}"

    def body(self, content: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        return {"data": {name: content[name] for name in fields}}

    def unwrap(self, body: Any) -> Any:
        """The item inside an API answer's envelope."""
        return body.get("data") if isinstance(body, dict) else None

    def adopt(self, item: dict[str, Any], key: str) -> dict[str, Any]:
        """An item as the API shows it, turned into this kind's content (key included); what the
        server owns may stay, under names ``normalize`` drops."""
        return item

    def normalize(self, item: dict[str, Any]) -> dict[str, Any]:
        """The content that matters: no server-owned fields, nothing Zendesk adds by itself."""
        return {name: value for name, value in item.items() if name not in SERVER_OWNED}

    def records_query(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """(path, params) of the request that tells about the records going with ``key``; None:
        the kind has none."""
        return None

    def needs_records(self, delta: Delta, risk: str) -> bool:
        """Whether the plan asks the account about the records a change touches."""
        return risk == DESTRUCTIVE and self.records_query(delta.key) is not None

    def records_note(self, delta: Delta, answer: Any) -> tuple[str | None, str | None]:
        """(reason, refusal) from the records answer: what is at stake, and why apply will
        refuse the change if it will."""
        return None, None

    def is_records_reason(self, key: str, text: str) -> bool:
        """Whether ``text`` is a reason ``records_note`` could have written (a saved plan's
        reasons are checked)."""
        return False

    def limit_key_for(self, key: str) -> str | None:
        """The account limit that counts this item."""
        return self.limit_key

    def references(self, content: dict[str, Any]) -> list[tuple[Kind, str]]:
        """The items this content points at, which must exist before it is written."""
        return []

    # diagrams
    def graph_node(self, key: str, content: dict[str, Any]) -> GraphNode | None:
        """The object this item is in a diagram, for kinds that are objects."""
        return None

    def graph_edges(self, key: str, content: dict[str, Any]) -> list[GraphEdge]:
        """The arrows this item draws, for relationships and lookups."""
        return []

    # risk
    def classify(self, delta: Delta) -> Judged:
        """The risk of a change and the reasons for it; an update's risk is the worst of its
        parts."""
        if delta.action == "create":
            return SAFE, (self.describe_new(delta.after or {}),)
        if delta.action == "delete":
            return DESTRUCTIVE, (
                f"deletes {self.label} {delta.key}, which no file declares (prune is on)",
            )
        return self.classify_change(delta)

    def describe_new(self, content: dict[str, Any]) -> str:
        return f"new {self.label}"

    def classify_change(self, delta: Delta) -> Judged:
        raise NotImplementedError

    # apply
    def rechecks(self, action: str) -> bool:
        """Whether apply reads the item once more right before its first write (a real account
        has no lock): for kinds whose updates send whole values, and before any deletion.
        Kinds whose updates send only the attributes that change skip it for creates and
        updates: the stale check's read stands, and a create of a key that appeared meanwhile
        is refused by Zendesk itself."""
        return True

    def write(
        self,
        api: Api,
        key: str,
        operation: str,
        content: dict[str, Any] | None,
        before: dict[str, Any] | None = None,
    ) -> None:
        """Carry out one operation of one change (``content`` is the declared content for
        writes, ``before`` the live content it was planned against, None for a create)."""
        if operation == "delete":
            api.delete(self, key)
        elif operation == "update":
            api.update(self, {"key": key, **(content or {})})
        else:
            api.create(self, {"key": key, **(content or {})})

    # import
    def import_into(
        self,
        items: dict[str, dict[str, Any]],
        files: dict[str, dict[str, Any]],
        used_names: set[str],
    ) -> None:
        """Declare the live ``items`` of this kind in ``files`` (relative name -> YAML document),
        adding files or filling those an earlier kind wrote (fields into their object's)."""
        raise NotImplementedError


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (``1`` is not ``true``)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def file_name(key: str, used: set[str]) -> str:
    """A file name for ``key``: unsafe characters replaced, unique even on case-insensitive file
    systems."""
    name = _UNSAFE_FILE_CHARACTERS.sub("_", key) or "item"
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate, n = f"{name}_{n}", n + 1
    used.add(candidate.lower())
    return candidate
