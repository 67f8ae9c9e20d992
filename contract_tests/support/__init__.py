"""Helpers the tests share: fakes, loopback servers, strategies, spec readers, cassettes."""
