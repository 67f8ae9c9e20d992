"""The vendors sora-unified speaks to, by the names `Client(...)` and `vendor:id` use.

A leaf: `Task.parse`, the CLI and the gateway check a name without importing an adapter."""

VENDOR_NAMES: tuple[str, ...] = ("kie", "evolink", "modelverse", "modelverse-openai")
