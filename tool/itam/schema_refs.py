"""A kind schema's ``$ref`` lookups, worked out once per kind rather than per value.

python-jsonschema resolves every ``$ref`` it meets again for each instance:
it joins URIs, finds the resource and walks the JSON pointer. Explaining
one invalid asset (a file that jsonschema-rs has already rejected) meets
some fifty of them: 40% of the 4.4 ms that explanation took here, and with
findings on a tenth of 10,000 files, an eighth of a cold run.

A lookup depends only on the registry, the resolver's base URI, its dynamic
scope (the URIs it came through, which only ``$dynamicRef`` reads) and the
reference, so a validator class made for one root schema (one kind)
remembers each answer under the last three. (Not one class for a whole
schema set: a root schema without ``$id`` has the base URI ``""``, so two
such kinds would share keys.) The errors are the same: the keyword is
python-jsonschema's own ``$ref``, fed the remembered resolution.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import ValidationError
from referencing.exceptions import Unresolvable

MAX_REMEMBERED = 10_000
"""Past this many distinct lookups the answers are forgotten and worked out again."""


def remembering(base: Any) -> Any:
    """A subclass of the validator class ``base`` whose ``$ref`` lookups are
    remembered. Make one per root schema, and validate only against it."""
    resolved: dict[tuple[str, Any, str], Any] = {}

    def ref(validator: Any, ref: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
        resolver = validator._resolver
        if validator._ref_resolver is not None:  # a legacy RefResolver: nothing to remember
            yield from validator._validate_reference(ref=ref, instance=instance)
            return
        key = (resolver._base_uri, resolver._previous, ref)
        found = resolved.get(key)
        if found is None:
            try:
                found = resolver.lookup(ref)
            except Unresolvable:
                # Raised as python-jsonschema raises it.
                yield from validator._validate_reference(ref=ref, instance=instance)
                return
            if len(resolved) >= MAX_REMEMBERED:
                resolved.clear()
            resolved[key] = found
        yield from validator.descend(instance, found.contents, resolver=found.resolver)

    # types-jsonschema leaves extend() unannotated.
    return validators.extend(base, {"$ref": ref})  # type: ignore[no-untyped-call]
