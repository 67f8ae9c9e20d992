"""JSON Schema validation of vendor bodies, including what plain JSON Schema leaves unchecked.

The specs are OpenAPI 3.1 (JSON Schema 2020-12) plus three things a validator must enforce
for the specs to mean what they say:

- `contentMediaType: application/json` with `contentSchema`: kie sends JSON inside strings
  (`resultJson`, `param`). JSON Schema treats `contentSchema` as an annotation only; here a
  non-empty string is decoded and validated against it.
- `x-cross-field-rules`: rules JSON Schema cannot state, written as data next to the object
  they constrain, e.g. `{sum: "shots/*/duration", at-most: "n_frames"}` (kie's storyboard:
  "the total duration of all shots cannot exceed n_frames"), or `{equal: [seconds, duration]}`
  (two names of one field: when both are sent they agree).
- `x-public-hosts-only: true` on a URL: its host must be public, in every spelling an address
  can take (evolink refuses callbacks to 127.0.0.1, 10.x, 192.168.x, ...).
- `x-known-values` (strict validators only): the values a vendor documents for a field that
  is tolerated as free text at run time. In a contract test an undocumented value is drift.

The sandbox validates requests with the tolerant validator; the contract suite validates
recorded and emulated responses with the strict one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .._urls import is_public_host, split_http_url

__all__ = ["cross_field_values", "innermost", "spec_validator", "validator_class"]


def _content_schema(
    validator: Any, content_schema: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if schema.get("contentMediaType") != "application/json" or not isinstance(instance, str):
        return
    if not instance.strip():
        return  # "no content yet"; a schema that needs content says so with minLength
    try:
        decoded = json.loads(instance)
    except ValueError as error:
        yield ValidationError(f"{instance[:60]!r} is not the JSON its contentSchema needs: {error}")
        return
    yield from validator.descend(decoded, content_schema, schema_path="contentSchema")


def cross_field_values(instance: Any, path: str) -> list[Any]:
    """Values at `path` ("a/b", "shots/*/duration"; `*` is every array item) inside instance."""
    found = [instance]
    for step_name in path.split("/"):
        step: list[Any] = []
        for value in found:
            if step_name == "*" and isinstance(value, list):
                step.extend(value)
            elif isinstance(value, Mapping) and step_name in value:
                step.append(value[step_name])
        found = step
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _cross_field_rules(
    validator: Any, rules: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not isinstance(instance, Mapping):
        return
    for rule in rules:
        if "span" in rule:
            yield from _span(instance, rule)
        if "equal" in rule:
            first, *others = rule["equal"]
            for other in others:
                if first in instance and other in instance and instance[first] != instance[other]:
                    yield ValidationError(
                        f"differs from {first} ({instance[other]!r} and {instance[first]!r}):"
                        f" {rule.get('description', '')}".rstrip(": "),
                        path=[other],
                    )
        if "sum" in rule:
            parts = [_number(v) for v in cross_field_values(instance, rule["sum"])]
            limits = [_number(v) for v in cross_field_values(instance, rule["at-most"])]
            if not parts or None in parts or len(limits) != 1 or limits[0] is None:
                continue  # types and presence are the schema's own business
            total = sum(p for p in parts if p is not None)
            if total > limits[0] + 1e-9:
                yield ValidationError(
                    f"{rule['sum']} adds up to {total:g}, more than {rule['at-most']}"
                    f" ({limits[0]:g}): {rule.get('description', '')}".rstrip(": ")
                )


def _public_hosts_only(
    validator: Any, enabled: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not enabled or not isinstance(instance, str):
        return
    parts = split_http_url(instance, ("http", "https"))
    if parts is not None and not is_public_host(parts.hostname or ""):
        yield ValidationError(f"{instance!r} names a loopback or private host (public hosts only)")


def _span(instance: Mapping[str, Any], rule: Mapping[str, Any]) -> Iterator[ValidationError]:
    """`{span: field, at-least: a, at-most: b}`: the field is "x,y" with b >= y - x >= a."""
    value = instance.get(rule["span"])
    if not isinstance(value, str) or value.count(",") != 1:
        return  # the field's own pattern reports it
    start, end = (_number(part) for part in value.split(","))
    if start is None or end is None:
        return
    length = end - start
    if not rule["at-least"] - 1e-9 <= length <= rule["at-most"] + 1e-9:
        yield ValidationError(
            f"{rule['span']} {value!r} spans {length:g} s, not {rule['at-least']:g} to"
            f" {rule['at-most']:g} s: {rule.get('description', '')}".rstrip(": ")
        )


def _known_values(
    validator: Any, known: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if isinstance(instance, str | int) and not isinstance(instance, bool) and instance not in known:
        yield ValidationError(
            f"{instance!r} is not one of the documented values {known!r} (x-known-values):"
            " the vendor's vocabulary has drifted, or the spec needs the new value"
        )


def _model_constants(validator: Any, branches: Any) -> list[Any] | None:
    """Each branch's `properties.model.const` (a `$ref` followed once), or None when any
    branch does not pin the model to a constant."""
    found = []
    for written in branches:
        if not isinstance(written, dict):
            return None
        branch = written
        if "$ref" in written:
            branch = validator._resolver.lookup(written["$ref"]).contents
        model = branch.get("properties", {}).get("model") if isinstance(branch, dict) else None
        if not isinstance(model, dict) or "const" not in model:
            return None
        found.append(model["const"])
    return found if len(set(map(repr, found))) == len(found) else None


_ONE_OF = Draft202012Validator.VALIDATORS["oneOf"]
# id(branches) -> (branches, constants); holding the list keeps its id from being reused.
_model_branches: dict[int, tuple[Any, list[Any] | None]] = {}


def _one_of_by_model(
    validator: Any, branches: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`oneOf` over request variants that each pin `model` to a different constant: only the
    branch naming the instance's model can match (every other fails on `model`), so a valid
    instance is checked against that branch alone. Anything else, an invalid instance
    included, goes through the full `oneOf` (same verdict, same error messages)."""
    if isinstance(instance, dict) and "model" in instance:
        cached = _model_branches.get(id(branches))
        if cached is None or cached[0] is not branches:
            cached = _model_branches[id(branches)] = (
                branches,
                _model_constants(validator, branches),
            )
        constants = cached[1]
        if constants is not None:
            for index, constant in enumerate(constants):
                if constant == instance["model"] and type(constant) is type(instance["model"]):
                    if not any(validator.descend(instance, branches[index], schema_path=index)):
                        return
                    break
    yield from _ONE_OF(validator, branches, instance, schema)


_EXTRA_KEYWORDS = {
    "contentSchema": _content_schema,
    "x-cross-field-rules": _cross_field_rules,
    "oneOf": _one_of_by_model,
}
_extend: Any = validators.extend  # untyped in types-jsonschema
_CLASSES = {
    (strict, hosts): _extend(
        Draft202012Validator,
        {
            **_EXTRA_KEYWORDS,
            **({"x-known-values": _known_values} if strict else {}),
            **({"x-public-hosts-only": _public_hosts_only} if hosts else {}),
        },
    )
    for strict in (False, True)
    for hosts in (False, True)
}


def validator_class(*, strict: bool, public_hosts: bool = True) -> Any:
    """`public_hosts=False` leaves `x-public-hosts-only` to the caller (the sandbox applies
    it as a configurable policy, so a developer can receive callbacks on loopback)."""
    return _CLASSES[(strict, public_hosts)]


_registries: dict[tuple[str, int], Registry[Any]] = {}


def spec_validator(
    document: Mapping[str, Any],
    uri: str,
    pointer: str,
    *,
    strict: bool = False,
    public_hosts: bool = True,
) -> Any:
    """A validator for the schema at `pointer` ("#/components/schemas/X") inside a spec."""
    key = (uri, id(document))
    registry = _registries.get(key)
    if registry is None:
        registry = Registry().with_resource(
            uri, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        _registries[key] = registry
    return validator_class(strict=strict, public_hosts=public_hosts)(
        {"$ref": f"{uri}{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for cause in error.context for leaf in _leaves(cause)]


def innermost(error: ValidationError) -> ValidationError:
    """The most telling cause of an error inside oneOf/anyOf (whose own message says little):
    the deepest one, preferring a broken rule over "is not of type null"."""
    return max(
        _leaves(error),
        key=lambda leaf: (len(leaf.absolute_path), leaf.validator != "type", len(leaf.message)),
    )
