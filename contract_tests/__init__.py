"""Contract tests: specs, generated clients, sora_unified and sandbox, checked against the specs.

Nothing imports this package."""
