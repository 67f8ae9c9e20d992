"""The specs themselves: lint, documented examples, the generated clients, recorded cassettes."""
