"""Load the JSON Schemas of ``schemas/`` once and validate entities by kind.

Every schema file is registered up front: resolving a ``$ref`` to another file
on demand made validation several times slower. Kind schemas live in
``schemas/kinds/<kind>.schema.json``; the file stem is the kind.

Validity is decided by jsonschema-rs (compiled, several hundred times faster
on our schemas, whose ``unevaluatedProperties`` and cross-file ``$ref`` are
slow in pure Python); only an invalid entity goes through python-jsonschema,
whose errors carry what we need for readable messages. A test keeps the two
in agreement on every example entity. Neither can backtrack on a pattern:
jsonschema-rs runs the regex crate and python-jsonschema runs RE2
(``itam.schema_regex``), and a pattern they cannot run is refused on loading.

Besides validating, the schemas are read for three annotations of our own,
which JSON Schema itself ignores: ``x-references`` (this value is the id of an
entity of that kind), ``x-unique`` (this value is unique across the registry)
and ``x-message`` (what to tell a person when a pattern or format fails).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import referencing
import referencing.jsonschema
from jsonschema import FormatChecker
from jsonschema.exceptions import SchemaError

from itam import files
from itam.errors import ConfigError
from itam.limits import quote
from itam.pointers import escape
from itam.schema_refs import remembering
from itam.schema_regex import SCHEMA_FORMATS, LinearValidator, is_regex, runnable

jsonschema_rs: Any
try:
    import jsonschema_rs
except ImportError:  # pragma: no cover - wheels exist for every common platform
    jsonschema_rs = None

BASE_URI = "https://itam.invalid/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS_FOLDER = "kinds"
WILDCARD = "*"

Tokens = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A place in a kind's entities (``*`` matches any list item) and its annotation."""

    tokens: Tokens
    value: tuple[str, ...]


@dataclass(slots=True)
class KindSchema:
    """One kind's validator and the annotations found in its schema."""

    kind: str
    file: str
    validator: Any
    # A compiled validator that only answers valid or not; None where missing.
    fast: Any = None
    references: list[FieldSpec] = field(default_factory=list)
    unique: list[FieldSpec] = field(default_factory=list)
    # Property names declared for each object place, for "did you mean".
    properties: dict[Tokens, set[str]] = field(default_factory=dict)
    # Said after "unknown field": where such a field could be declared.
    unknown_hint: str | None = None


def _is_date(value: object) -> bool:
    from itam.dates import parse_date

    return not isinstance(value, str) or parse_date(value) is not None


def _is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    local, _, domain = value.partition("@")
    return bool(local) and "." in domain and " " not in value


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def _is_uri(value: object) -> bool:
    """An absolute URI: a scheme, and no spaces, controls or non-ASCII characters."""
    if not isinstance(value, str):
        return True
    scheme, colon, _ = value.partition(":")
    return (
        bool(colon)
        and _SCHEME.fullmatch(scheme) is not None
        and value.isascii()
        and not any(c.isspace() or c < " " or c == "\x7f" for c in value)
    )


# Both engines check formats with these functions, so that they agree (left
# to itself jsonschema-rs checks more formats than python-jsonschema does);
# "regex" accepts only patterns RE2 can run, as the pattern keywords do.
FORMATS = {"date": _is_date, "email": _is_email, "regex": is_regex, "uri": _is_uri}


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker


class SchemaSet:
    """All schemas of a registry, and a validator per kind."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = root
        self.documents: dict[str, tuple[str, dict[str, Any]]] = {}
        resources = []
        if not folder.is_dir():
            raise ConfigError(f"no schemas folder at {folder}")
        # Listed and read like registry files: no link out of the root, no pipe.
        for source in files.config_files(root, folder, _is_schema):
            path, rel = source.path, source.rel
            contents = _read_json(path, rel, root)
            uri = contents.get("$id") or BASE_URI + path.relative_to(folder).as_posix()
            if not isinstance(uri, str):
                raise ConfigError("$id must be a string", rel)
            try:
                check_schema(contents)
            except SchemaError as exc:
                raise ConfigError(schema_problem(exc), rel) from None
            self.documents[uri] = (rel, contents)
            resources.append((uri, _resource(contents)))
        self.registry: referencing.Registry[Any] = referencing.Registry().with_resources(resources)
        self._by_kind: dict[str, KindSchema] = {}
        self._walkable: set[str] = set()
        self.kind_uris = {
            Path(rel).name.removesuffix(".schema.json"): uri
            for uri, (rel, _) in self.documents.items()
            if Path(rel).parent.name == KINDS_FOLDER
        }
        if not self.kind_uris:
            raise ConfigError(f"no kind schemas in {folder / KINDS_FOLDER}")
        self.format_checker = _format_checker()
        self._fast_registry: Any = None
        if jsonschema_rs is not None:
            try:
                self._fast_registry = jsonschema_rs.Registry(
                    [(uri, contents) for uri, (_, contents) in self.documents.items()]
                )
            except ValueError as exc:
                # It resolves every $ref up front; the walk names the file that dangles.
                for name, uri in sorted(self.kind_uris.items()):
                    rel, contents = self.documents[uri]
                    probe = KindSchema(kind=name, file=rel, validator=None)
                    _Annotations(self.registry, probe).visit(
                        contents, self.registry.resolver(uri), ()
                    )
                raise ConfigError(f"the schemas do not compile: {exc}", str(folder)) from None

    @property
    def kinds(self) -> list[str]:
        return sorted(self.kind_uris)

    def kind(self, name: str) -> KindSchema | None:
        """The schema of ``name``, built on first use, or None for an unknown kind."""
        found = self._by_kind.get(name)
        if found is None and name in self.kind_uris:
            uri = self.kind_uris[name]
            rel, contents = self.documents[uri]
            resolver = self.walkable(uri)
            found = KindSchema(
                kind=name,
                file=rel,
                validator=remembering(LinearValidator)(
                    contents, registry=self.registry, format_checker=self.format_checker
                ),
                unknown_hint="an organisation's own fields are declared in "
                "schemas/extensions.schema.json",
            )
            # The walk reports a dangling $ref with its file before compiling.
            _Annotations(self.registry, found).visit(contents, resolver, ())
            try:
                if self._fast_registry is not None:
                    found.fast = fast_validator(contents, self._fast_registry)
            except ValueError as exc:
                raise ConfigError(f"cannot compile the schema: {exc}", rel) from None
            self._by_kind[name] = found
        return found

    def walkable(self, uri: str) -> Any:
        """The resolver of the kind schema at ``uri``, once the schema is known
        to reach at most MAX_EXPANDED nodes through its references (ConfigError
        naming its file otherwise): every walk of a kind schema starts here."""
        if uri not in self._walkable:
            rel, contents = self.documents[uri]
            _bounded(contents, self.registry.resolver(uri), rel)
            self._walkable.add(uri)
        return self.registry.resolver(uri)

    @cached_property
    def kinds_by_category(self) -> dict[str, list[str]]:
        """Kinds grouped by the ``x-category`` of their schema (hardware, agreement, ...)."""
        groups: dict[str, list[str]] = {}
        for name, uri in sorted(self.kind_uris.items()):
            category = self.documents[uri][1].get("x-category", "other")
            groups.setdefault(str(category), []).append(name)
        return groups


def _resource(contents: dict[str, Any]) -> Any:
    """``contents`` as python-jsonschema resolves it from a ``$ref``.

    Without its ``$schema`` when that names draft 2020-12: python-jsonschema
    picks the class of a subschema that declares one by that URI, so a
    ``$ref`` to a whole document (``entity.schema.json``) would leave our
    validator class for the stock one, and with it RE2, the bounded
    messages and the remembered lookups, for everything below. Our class is
    draft 2020-12: nothing else changes.
    """
    if contents.get("$schema") == DRAFT:
        contents = {key: value for key, value in contents.items() if key != "$schema"}
    return referencing.jsonschema.DRAFT202012.create_resource(contents)


def check_schema(contents: dict[str, Any]) -> None:
    """Raise SchemaError unless ``contents`` is a valid schema of its draft
    whose every pattern RE2 can run."""
    # Only for the draft the slow check applies: any other $schema would make
    # jsonschema-rs fetch it over the network.
    if (
        jsonschema_rs is not None
        and contents.get("$schema", DRAFT) == DRAFT
        and jsonschema_rs.meta.is_valid(contents)
    ):
        # jsonschema-rs checks the meta-schema a hundred times faster (1.5 ms
        # for the bundled schemas, against 250 ms: every run pays it). It does
        # not explain, so python-jsonschema below still says what is wrong.
        try:
            if all(runnable(p) for p in _patterns(contents)):
                return
        except ValueError:
            pass
    LinearValidator.check_schema(contents, format_checker=SCHEMA_FORMATS)


def _patterns(node: Any) -> Iterator[object]:
    # Every value of a "pattern" key and every key of a "patternProperties",
    # wherever it is: more than the keywords (an example may be named so), so
    # a false alarm only sends the schema to the full check above.
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern":
                yield value
            elif key == "patternProperties" and isinstance(value, dict):
                yield from value
            yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def fast_validator(contents: dict[str, Any], registry: Any) -> Any:
    """jsonschema-rs's validator of ``contents``; ValueError if it does not compile."""
    if jsonschema_rs is None:
        return None
    return jsonschema_rs.validator_for(
        contents,
        registry=registry,
        formats=FORMATS,
        validate_formats=True,
        offline=True,
        # The default, fancy-regex, backtracks on lookarounds and backreferences;
        # the regex crate is linear and refuses them, as RE2 does.
        pattern_options=jsonschema_rs.RegexOptions(),
    )


def _is_schema(name: str) -> bool:
    return name.endswith(".schema.json")


def _read_json(path: Path, rel: str, root: Path) -> dict[str, Any]:
    try:
        text = files.read_config(path, root).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read schema: not UTF-8 ({exc.reason})", rel) from None
    try:
        contents = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"invalid JSON: {exc.msg}", rel, exc.lineno) from None
    if not isinstance(contents, dict):
        raise ConfigError("a schema must be a JSON object", rel, 1)
    return contents


def schema_problem(error: SchemaError) -> str:
    """What is wrong with a schema, and where: ``not a valid JSON Schema at ...``."""
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    if error.validator == "format" and error.validator_value == "regex" and error.cause:
        return f"the pattern {quote(str(error.instance))} at {where} cannot be used: {error.cause}"
    return f"not a valid JSON Schema at {where}: {error.message}"


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


MAX_EXPANDED = 100_000
"""Schema nodes a kind's schema may reach counting each ``$ref`` as the
schema it names (the bundled ones reach about 200): a pull request's
schema whose references form a lattice (each of 40 definitions naming the
one before twice) would otherwise make every walk and every validation take
2^40 steps."""

# Keywords whose values are data or definitions, never applied as they stand.
_NOT_APPLIED = frozenset(("$defs", "definitions", "enum", "const", "examples", "default"))


def _bounded(contents: dict[str, Any], resolver: Any, file: str) -> None:
    """ConfigError when ``contents`` reaches more than MAX_EXPANDED schema nodes."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any, resolver: Any) -> int:
        if not isinstance(node, dict | list):
            return 0
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:  # a recursive schema: as deep as the data, which is bounded
            return 1
        active.add(key)
        total = 1
        if isinstance(node, list):
            total += sum(size(item, resolver) for item in node)
        else:
            for name, value in node.items():
                if name not in _NOT_APPLIED:
                    total += size(value, resolver)
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    resolved = resolver.lookup(ref)
                except referencing.exceptions.Unresolvable:
                    raise ConfigError(f"$ref {ref!r} does not resolve to a schema", file) from None
                total += size(resolved.contents, resolved.resolver)
        active.discard(key)
        if total > MAX_EXPANDED:
            raise ConfigError(
                f"the schema reaches more than {MAX_EXPANDED:,} schema nodes through its "
                "$ref, allOf and friends; a definition named twice by each of the next is "
                "the usual cause (it doubles at each step)",
                file,
            )
        sizes[key] = total
        return total

    size(contents, resolver)


class SchemaWalk:
    """A walk of a kind schema through ``$ref``, ``allOf`` and friends
    (start it from ``SchemaSet.walkable``): ``_visit`` sees each schema
    reached, once along any one path, so a recursive schema ends."""

    def __init__(self) -> None:
        self.active: set[int] = set()

    def visit(self, schema: Any, resolver: Any, tokens: Tokens) -> None:
        if not isinstance(schema, dict) or id(schema) in self.active:
            return
        self.active.add(id(schema))
        try:
            self._visit(schema, resolver, tokens)
        finally:
            self.active.discard(id(schema))

    def _visit(self, schema: dict[str, Any], resolver: Any, tokens: Tokens) -> None:
        raise NotImplementedError


class _Annotations(SchemaWalk):
    """Walks a kind schema through ``$ref``, ``allOf`` and friends, collecting annotations."""

    def __init__(self, registry: referencing.Registry[Any], target: KindSchema) -> None:
        super().__init__()
        self.registry = registry
        self.target = target

    def _visit(self, schema: dict[str, Any], resolver: Any, tokens: Tokens) -> None:
        if "x-references" in schema:
            self.target.references.append(FieldSpec(tokens, _as_tuple(schema["x-references"])))
        if "x-unique" in schema:
            self.target.unique.append(FieldSpec(tokens, _as_tuple(schema["x-unique"])))
        ref = schema.get("$ref")
        if isinstance(ref, str):
            try:
                resolved = resolver.lookup(ref)
            except referencing.exceptions.Unresolvable:
                raise ConfigError(
                    f"$ref {ref!r} does not resolve to a schema", self.target.file
                ) from None
            self.visit(resolved.contents, resolved.resolver, tokens)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, ()):
                self.visit(sub, resolver, tokens)
        for key in ("then", "else"):
            self.visit(schema.get(key), resolver, tokens)
        props = schema.get("properties")
        if isinstance(props, dict):
            self.target.properties.setdefault(tokens, set()).update(props)
            for name, sub in props.items():
                self.visit(sub, resolver, (*tokens, name))
        self.visit(schema.get("items"), resolver, (*tokens, WILDCARD))


def values_at(data: Any, tokens: Tokens, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Each value found at ``tokens`` in ``data``, with its JSON pointer."""
    if WILDCARD not in tokens:
        # The common case (model, owner, location): one lookup per token, and
        # the pointer, the same for every entity, built once.
        for token in tokens:
            if not isinstance(data, dict) or token not in data:
                return iter(())
            data = data[token]
        return iter(((pointer + _pointer_of(tokens), data),))
    return _values_at(data, tokens, pointer)


@functools.cache
def _pointer_of(tokens: Tokens) -> str:
    return "".join(f"/{escape(token)}" for token in tokens)


def _values_at(data: Any, tokens: Tokens, pointer: str) -> Iterator[tuple[str, Any]]:
    if not tokens:
        yield pointer, data
        return
    head, rest = tokens[0], tokens[1:]
    if head == WILDCARD:
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from values_at(item, rest, f"{pointer}/{index}")
    elif isinstance(data, dict) and head in data:
        yield from values_at(data[head], rest, f"{pointer}/{escape(head)}")


def standalone(contents: dict[str, Any], name: str, file: str) -> KindSchema:
    """A validator for a self-contained schema (a policy file, a check's parameters).

    Raises SchemaError for a pattern that cannot run in linear time.
    """
    check_schema(contents)
    uri = contents.get("$id") or f"{BASE_URI}{name}"
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(
        uri, _resource(contents)
    )
    compiled = KindSchema(
        kind=name,
        file=file,
        validator=LinearValidator(contents, registry=registry, format_checker=_format_checker()),
        fast=fast_validator(
            contents, jsonschema_rs.Registry([(uri, contents)]) if jsonschema_rs else None
        ),
    )
    _Annotations(registry, compiled).visit(contents, registry.resolver(uri), ())
    return compiled
