"""An ASGI app served by uvicorn on a free port of 127.0.0.1 for as long as a test needs it: the stand-ins for
other servers (an OpenID Connect provider, GitHub) that Doorkeep calls over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import uvicorn

from ports import HOST, free_port


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """The app's base URL (``http://127.0.0.1:<port>``) once it listens; stopped on leaving."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        await task
