"""A Hypothesis strategy for the JSON-Schema subset our response schemas use.

(hypothesis-jsonschema 0.23 does not run on current Hypothesis.) Supported: type (one or a
list), properties with required, additionalProperties (extra keys are generated unless it is
false), enum, const, oneOf/anyOf, items with min/maxItems, minimum/maximum, min/maxLength and
format uri. $refs must be inlined first.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

URIS = st.sampled_from(
    [
        "https://files.example.com/v.mp4",
        "https://cdn.example.org/a/b.mp4?sig=1",
        "http://x.example/y",
    ]
)
EXTRA = st.dictionaries(
    st.text(min_size=1, max_size=6).map(lambda k: f"x_{k}"),
    st.one_of(st.none(), st.integers(), st.text(max_size=5)),
    max_size=2,
)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([from_schema(option) for option in schema[key]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": one}) for one in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**40)), schema.get("maximum", 2**40))
    if kind == "number":
        return st.floats(schema.get("minimum", -1e9), schema.get("maximum", 1e9), allow_nan=False)
    if kind == "string":
        if schema.get("format") == "uri":
            return URIS
        return st.text(
            min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 20), 20)
        )
    if kind == "array":
        return st.lists(
            from_schema(schema.get("items", {})),
            min_size=schema.get("minItems", 0),
            max_size=min(schema.get("maxItems", 3), 3),
        )
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        fixed = {name: from_schema(sub) for name, sub in properties.items() if name in required}
        optional = {
            name: from_schema(sub) for name, sub in properties.items() if name not in required
        }
        base = st.fixed_dictionaries(fixed, optional=optional)
        if schema.get("additionalProperties") is False:
            return base
        return st.tuples(base, EXTRA).map(lambda pair: {**pair[1], **pair[0]})
    return st.one_of(st.none(), st.integers(), st.text(max_size=5))  # {}: anything
