"""Property-based runs: hypothesis over the request and response schemas, schemathesis over the sandbox and the gateway."""
