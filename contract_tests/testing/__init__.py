"""The testing kit (`sora_unified.testing`): its fixtures, helpers, mocks and plugin."""
