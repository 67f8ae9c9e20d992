"""The vendor adapters and the capability table they share: models, defaults, refusals, callbacks."""
