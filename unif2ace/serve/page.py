"""What the web page needs besides the API: its files, the model's defaults and limits, progress events.

    GET /static/…      the page's script and style sheet (served from this package: the page works offline)
    GET /v1/config     {"model", "image_size", "defaults": {steps, guidance_scale, …}, "limits": {…},
                        "guidance_schedules", "routes": {"chat": bool}} — the sliders' starting values
                        and ranges
    GET /v1/jobs/{id}/events, DELETE /v1/jobs/{id}   see :mod:`unif2ace.serve.progress`
"""

from __future__ import annotations

from pathlib import Path

from unif2ace.serve.progress import attach_progress

STATIC = Path(__file__).resolve().parent / "static"
# the sampling options the page has controls for (each also a /v1/generate field)
PAGE_OPTIONS = ("steps", "guidance_scale", "guidance_schedule", "temperature", "gender_contrast", "age_contrast",
                "candidates", "training_words")


def attach_page(app, pipe, batcher, limits) -> None:
    """Add /static, /v1/config and the progress routes to the app serving ``pipe``."""
    from fastapi.staticfiles import StaticFiles

    from unif2ace.config import GUIDANCE_SCHEDULES

    attach_progress(app, pipe, batcher)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/v1/config")
    async def page_config():
        defaults = {}
        for name in PAGE_OPTIONS:
            try:
                defaults[name] = getattr(pipe.generation, name)
            except AttributeError:  # an older model folder without the option: the page hides it
                continue
        return {"model": pipe.name, "image_size": pipe.image_size, "defaults": defaults,
                "limits": {"max_steps": limits.max_steps, "max_images": limits.max_images,
                           "max_prompt_chars": limits.max_prompt_chars, "max_upload_bytes": limits.max_upload_bytes,
                           "max_new_tokens": limits.max_new_tokens},
                "guidance_schedules": list(GUIDANCE_SCHEDULES), "routes": {"chat": _has_route(app, "POST", "/v1/chat")}}


def _has_route(app, method: str, path: str) -> bool:
    """Whether some route of ``app`` answers ``method path`` (asked the way Starlette's router asks,
    so routes inside included routers count too)."""
    from starlette.routing import Match

    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in app.router.routes)


__all__ = ["attach_page", "STATIC"]
