"""The OpenAI-compatible gateway: tenants, money, webhooks, the openai package as its client."""
