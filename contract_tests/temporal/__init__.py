"""The Temporal engine (`sora_unified.temporal`) on a real development server."""
