"""The gateway's ASGI app: OpenAI's Videos API paths, each answered by a `Gateway` method
behind its guard (the caller's key, the query names it accepts), and a health check."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._app import Gateway, Handler
from ._asgi import BodyLimit, RequestLog, not_served, unforeseen
from ._config import GatewayConfig

__all__ = ["build_app"]


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def build_app(config: GatewayConfig) -> Starlette:
    gateway = Gateway(config)
    g = gateway.guarded
    queries = {
        "/v1/videos": ("after", "limit", "order"),
        "/v1/videos/{video_id}/content": ("variant",),
    }
    paths: list[tuple[str, dict[str, Handler]]] = [
        ("/v1/videos", {"GET": gateway.list, "POST": gateway.create}),
        ("/v1/videos/edits", {"POST": gateway.not_offered}),
        ("/v1/videos/extensions", {"POST": gateway.not_offered}),
        ("/v1/videos/characters", {"POST": gateway.not_offered}),
        ("/v1/videos/characters/{character_id}", {"GET": gateway.no_character}),
        ("/v1/videos/{video_id}", {"GET": gateway.retrieve, "DELETE": gateway.delete}),
        ("/v1/videos/{video_id}/content", {"GET": gateway.content}),
        ("/v1/videos/{video_id}/remix", {"POST": gateway.remix}),
        ("/v1/models", {"GET": gateway.models}),
        ("/v1/models/{model_id}", {"GET": gateway.model}),
    ]
    refused = not_served(gateway.refusal)
    app = Starlette(
        lifespan=gateway.lifespan,
        routes=[
            Route("/health", health, methods=["GET"]),
            *(
                Route(path, g(handlers, queries.get(path, ())), methods=list(handlers))
                for path, handlers in paths
            ),
        ],
        middleware=[
            Middleware(RequestLog),
            Middleware(BodyLimit, limit=config.max_body_bytes),
        ],
        exception_handlers={HTTPException: refused, Exception: unforeseen},
    )
    app.state.gateway = gateway
    return app
