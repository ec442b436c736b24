"""Diagnostics and the table of their stable codes.

A code never changes meaning once released; the README's code table is tested against ``CODES``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

ERROR = "error"
WARNING = "warning"
INFO = "info"  # a fact worth saying (a faithful migration step), never a problem

_SHOWN = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """``text`` safe to print as part of one line: line breaks and other control characters
    (which a key or a server's message may hold) written as escapes, so that one diagnostic is
    one line and no output can move the cursor or fake another line."""
    if text.isprintable():
        return text
    return "".join(
        _SHOWN.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 else c)
        for c in text
    )


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    summary: str


def _table(*rows: tuple[str, str, str]) -> dict[str, Code]:
    return {code: Code(code, severity, summary) for code, severity, summary in rows}


CODES: dict[str, Code] = _table(
    # 0xx: files and YAML
    ("ZCD001", ERROR, "YAML syntax error"),
    ("ZCD002", ERROR, "duplicate key in a mapping"),
    ("ZCD003", ERROR, "file is not UTF-8 text"),
    ("ZCD004", ERROR, "file larger than 8 MiB"),
    ("ZCD005", ERROR, "aliases expand too far, or an alias refers to itself"),
    ("ZCD006", ERROR, "top level of a file is not a mapping"),
    ("ZCD007", ERROR, "key that is not plain text (a list, a mapping or an alias)"),
    ("ZCD008", WARNING, "YAML 1.1 reads this word as a boolean (yes, no, on, off)"),
    ("ZCD009", WARNING, "YAML 1.1 reads this as a number (leading-zero octal, 1:20 sexagesimal)"),
    ("ZCD010", WARNING, "no schema documents found in the project"),
    ("ZCD011", ERROR, "unsupported YAML tag"),
    ("ZCD012", ERROR, "nesting deeper than 256 levels"),
    ("ZCD013", ERROR, "more than one YAML document in a file"),
    ("ZCD014", ERROR, "file cannot be read"),
    ("ZCD015", ERROR, "a number JSON cannot hold (.nan, .inf)"),
    # 1xx: structure of the formats (schemas/*.schema.json)
    ("ZCD101", ERROR, "unknown section or field"),
    ("ZCD102", ERROR, "value of the wrong type"),
    ("ZCD103", ERROR, "required field missing"),
    ("ZCD104", ERROR, "value not allowed here"),
    # 2xx: keys and names
    (
        "ZCD201",
        ERROR,
        "object or relationship type key: 2-32 letters, digits, '_' or '-', no leading '_'",
    ),
    ("ZCD202", ERROR, "profile or event source/type name too long or with a forbidden character"),
    ("ZCD203", ERROR, "reserved name"),
    ("ZCD204", ERROR, "declared in more than one place"),
    (
        "ZCD205",
        ERROR,
        "identifier type name too long, empty, repeated or with a forbidden character",
    ),
    # 3xx: Zendesk's schema rules and JSON Schema validity
    (
        "ZCD301",
        ERROR,
        "property name Zendesk refuses (empty, leading '_', '*', control characters)",
    ),
    ("ZCD302", ERROR, "empty object type schema"),
    ("ZCD303", ERROR, "schema without 'properties'"),
    ("ZCD304", ERROR, "empty 'properties'"),
    ("ZCD305", ERROR, "'additionalProperties' other than false"),
    ("ZCD306", ERROR, "property without 'type'"),
    ("ZCD307", ERROR, "'$schema' in an object type schema"),
    ("ZCD308", ERROR, "'patternProperties' in an object type schema"),
    ("ZCD309", ERROR, "'required' names a property that is not declared"),
    ("ZCD310", ERROR, "not a valid draft-04 JSON Schema"),
    ("ZCD311", ERROR, "'pattern' is not a valid regular expression"),
    ("ZCD312", ERROR, "schema larger than 32 KB"),
    ("ZCD313", WARNING, "keyword Zendesk is not known to support"),
    ("ZCD314", WARNING, "profile attribute that is not a string"),
    # 4xx: references
    ("ZCD401", ERROR, "relationship source or target names no declared object type"),
    ("ZCD402", ERROR, "relationship target list must hold exactly one type"),
    ("ZCD403", ERROR, "a zen: reference that is not the name of a Zendesk type"),
    ("ZCD404", WARNING, "a zen: type zcd-schema does not know (Zendesk may refuse it)"),
    # 5xx: hard limits of an account
    ("ZCD501", ERROR, "more object types than an account allows"),
    ("ZCD502", ERROR, "more relationship types than an account allows"),
    ("ZCD503", ERROR, "more profile sources than an account allows"),
    ("ZCD504", ERROR, "more profile types than an account allows"),
    ("ZCD505", ERROR, "more identifier types in a profile type than allowed"),
    ("ZCD506", ERROR, "more event sources than an account allows"),
    ("ZCD507", ERROR, "more event types than an account allows"),
    # 6xx: settings (zcd.yaml) and security
    ("ZCD601", ERROR, "credential written into a YAML file"),
    ("ZCD602", ERROR, "environment variable name expected"),
    ("ZCD603", ERROR, "account needs exactly one of 'subdomain' or 'url'"),
    ("ZCD604", ERROR, "account URL must be https (http only to a loopback address)"),
    ("ZCD605", ERROR, "default_account names no account"),
    # 7xx: custom objects (/api/v2/custom_objects)
    ("ZCD701", ERROR, "custom object or field key breaks Zendesk's key rule"),
    ("ZCD702", ERROR, "standard:: objects and fields are Zendesk's, not declared here"),
    ("ZCD703", ERROR, "field attribute that its type does not take"),
    ("ZCD704", ERROR, "field type needs an attribute that is missing"),
    ("ZCD705", ERROR, "option value listed twice in one field"),
    ("ZCD706", ERROR, "regexp pattern too long or not a regular expression"),
    ("ZCD707", ERROR, "lookup target is neither a declared custom object nor a Zendesk type"),
    ("ZCD708", ERROR, "name_field sets both unique and autonumber"),
    ("ZCD709", ERROR, "currency is not a three-letter ISO 4217 code"),
    ("ZCD710", ERROR, "over a custom object hard limit (objects, fields, lookups, options)"),
    ("ZCD711", ERROR, "over the limits of an account's plan_tier"),
    ("ZCD712", ERROR, "over the limits of a ZAF app (zaf_app: true)"),
    # 8xx: migrate, from legacy declarations to custom objects (info: faithful; warning: a loss;
    # error: needs a person)
    ("ZCD801", INFO, "legacy object type becomes a custom object"),
    ("ZCD802", WARNING, "key renamed: it holds characters custom object keys may not"),
    ("ZCD803", INFO, "property becomes a field"),
    ("ZCD804", WARNING, "keyword with no field equivalent is lost"),
    ("ZCD805", ERROR, "nested object or array of objects: remodel as objects joined by a lookup"),
    ("ZCD806", INFO, "relationship type becomes a lookup field on its many side"),
    ("ZCD807", WARNING, "one-to-one relationship: a lookup is many-to-one"),
    (
        "ZCD808",
        ERROR,
        "relationship a lookup cannot carry (zen:ticket by hand, zen:deal not at all)",
    ),
    ("ZCD809", ERROR, "an object would receive more lookup fields than the plan allows"),
    ("ZCD810", WARNING, "regular expression whose meaning differs between ECMA-262 and Ruby"),
    ("ZCD811", WARNING, "no exact field type: the nearest is used"),
    # 9xx: sample payloads (check-payloads): events, profiles, custom object records
    ("ZCD901", ERROR, "payload is not JSON"),
    ("ZCD902", ERROR, "payload or part of it has the wrong shape"),
    ("ZCD903", ERROR, "profile or event source missing or not declared"),
    ("ZCD904", ERROR, "profile or event type not declared in its source"),
    ("ZCD905", ERROR, "event properties or profile attributes break the declared schema"),
    ("ZCD906", ERROR, "record of a custom object that is not declared (or not named)"),
    ("ZCD907", ERROR, "record value for a field the custom object does not declare"),
    ("ZCD908", ERROR, "record value that its field's type does not take"),
    ("ZCD909", ERROR, "profile identifiers: none, over 20, or of an undeclared type"),
    ("ZCD910", WARNING, "record without a value for a required field"),
    ("ZCD911", WARNING, "record value for an inactive field"),
)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: str
    file: str  # relative to the project root, with '/' separators
    line: int  # from 1
    column: int  # from 1
    pointer: str  # JSON pointer into the file's document
    message: str

    def to_json(self) -> dict[str, str | int]:
        """The contract's JSON shape of one diagnostic (section 2)."""
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "message": self.message,
        }

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.pointer)

    def promoted(self) -> Diagnostic:
        """The same diagnostic as an error (``--strict``); information stays information."""
        return replace(self, severity=ERROR) if self.severity == WARNING else self


def count(diagnostics: list[Diagnostic], severity: str) -> int:
    return sum(1 for d in diagnostics if d.severity == severity)


def markdown_table() -> str:
    """The README's table of codes (``python -m zcd_schema.diagnostics`` prints it)."""
    lines = ["| code | severity | meaning |", "|---|---|---|"]
    lines += [f"| {c.code} | {c.severity} | {c.summary} |" for c in CODES.values()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
