"""sora-unified: one typed client for Sora 2 through kie.ai, evolink.ai and modelverse.cn."""

__version__ = "0.1.0"
__all__: list[str] = []
