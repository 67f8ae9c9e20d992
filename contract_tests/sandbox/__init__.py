"""The vendor sandbox: conformance with the specs, vendor rules, tenants, its state file."""
