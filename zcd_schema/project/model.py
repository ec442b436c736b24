"""The desired state: what a project's YAML declares, as frozen records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Zendesk's own types a relationship may name; zen:deal is Sell's, used by Zendesk's own sample.
ZEN_TYPES = ("zen:user", "zen:ticket", "zen:organization", "zen:deal")
LOCAL_ACCOUNT = "local"


@dataclass(frozen=True)
class Origin:
    """Where a declaration is written: a file relative to the project root and a JSON pointer,
    and the line and column of the key that declares it, which ``locate`` (given the pointer)
    finds when they are first asked for: the YAML reader works positions out on demand."""

    file: str
    pointer: str
    locate: Callable[[str], tuple[int, int]] | None = field(default=None, compare=False, repr=False)

    @property
    def line(self) -> int:
        return self.position[0]

    @property
    def column(self) -> int:
        return self.position[1]

    @property
    def position(self) -> tuple[int, int]:
        return self.locate(self.pointer) if self.locate is not None else (1, 1)


@dataclass(frozen=True)
class ObjectType:
    key: str
    schema: dict[str, Any]
    origin: Origin | None = None  # None when read from an account
    prevent_destroy: bool = False


@dataclass(frozen=True)
class RelationshipType:
    key: str
    source: str
    target: str
    one_to_many: bool
    origin: Origin | None = None  # None when read from an account
    prevent_destroy: bool = False

    @property
    def target_value(self) -> str | list[str]:
        """The target as Zendesk writes it: a string, or a one-element list for one-to-many."""
        return [self.target] if self.one_to_many else self.target


@dataclass(frozen=True)
class FieldOption:
    value: str  # the tag records hold
    name: str  # what agents see


@dataclass(frozen=True)
class CustomObjectField:
    key: str
    type: str
    title: str
    origin: Origin | None = None
    description: str | None = None
    active: bool = True
    required: bool | None = None  # None: left as Zendesk has it
    options: tuple[FieldOption, ...] = ()  # dropdown, multiselect
    target: str | None = None  # lookup: a custom object key, or zen:user / zen:organization / ...
    filter: dict[str, Any] | None = None  # lookup
    pattern: str | None = None  # regexp
    tag: str | None = None  # checkbox
    currency: str | None = None  # currency


@dataclass(frozen=True)
class PeopleLookupField:
    """A lookup field on users or organizations (``user_fields:``, ``organization_fields:``)."""

    key: str
    title: str
    target: str  # a custom object key, or zen:user / zen:organization / zen:ticket
    origin: Origin | None = None
    description: str | None = None
    active: bool = True
    required: bool | None = None
    filter: dict[str, Any] | None = None
    prevent_destroy: bool = False


@dataclass(frozen=True)
class CustomObject:
    key: str
    title: str
    title_pluralized: str
    origin: Origin | None = None
    description: str | None = None
    include_in_list_view: bool = True
    allows_photos: bool | None = None  # None: left as Zendesk has it
    allows_attachments: bool | None = None
    prevent_destroy: bool = False
    name_field: dict[str, Any] | None = (
        None  # standard::name: title, description, unique, autonumber
    )
    external_id_field: dict[str, Any] | None = None  # standard::external_id: title, description
    fields: tuple[CustomObjectField, ...] = ()  # in the declared order


@dataclass(frozen=True)
class ProfileType:
    name: str
    identifier_types: tuple[str, ...]
    origin: Origin
    attributes: dict[str, Any] | None = None


@dataclass(frozen=True)
class EventType:
    name: str
    origin: Origin
    description: str | None = None
    properties: dict[str, Any] | None = None


@dataclass(frozen=True)
class ProfileSource:
    name: str
    types: dict[str, ProfileType]
    origin: Origin


@dataclass(frozen=True)
class EventSource:
    name: str
    types: dict[str, EventType]
    origin: Origin


@dataclass(frozen=True)
class Account:
    name: str
    subdomain: str | None = None
    url: str | None = None
    email_env: str = "ZENDESK_EMAIL"
    token_env: str = "ZENDESK_API_TOKEN"
    oauth_token_env: str = "ZENDESK_OAUTH_TOKEN"
    requests_per_minute: int | None = None
    plan_tier: str | None = None  # team, growth, professional, enterprise, enterprise_plus

    @property
    def base_url(self) -> str | None:
        if self.url:
            return self.url.rstrip("/")
        return f"https://{self.subdomain}.zendesk.com" if self.subdomain else None


@dataclass(frozen=True)
class Settings:
    default_account: str = LOCAL_ACCOUNT
    prune: bool = False
    prune_line: int | None = None  # where zcd.yaml sets prune, for pointing at it
    exclude: tuple[str, ...] = ()
    accounts: dict[str, Account] = field(default_factory=dict)
    zaf_app: bool = False  # check the limits of a ZAF app's custom_objects_v2 requirements
    local_plan_tier: str = "enterprise"  # the plan the local account (the emulator) plays
    local_legacy_api: bool = True  # False: the local account has no Legacy Custom Objects API


@dataclass(frozen=True)
class Project:
    root: Path
    settings: Settings
    files: tuple[str, ...]  # schema documents, relative to root, in the order they were read
    object_types: dict[str, ObjectType] = field(default_factory=dict)
    relationship_types: dict[str, RelationshipType] = field(default_factory=dict)
    profile_sources: dict[str, ProfileSource] = field(default_factory=dict)
    event_sources: dict[str, EventSource] = field(default_factory=dict)
    custom_objects: dict[str, CustomObject] = field(default_factory=dict)
    user_fields: dict[str, PeopleLookupField] = field(default_factory=dict)
    organization_fields: dict[str, PeopleLookupField] = field(default_factory=dict)
