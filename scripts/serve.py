"""Start the app warm and serviceable: `python scripts/serve.py [streamlit run options]` instead
of `streamlit run app.py`.

The app is served as an `st.App` (Streamlit's public ASGI application) with two additions:

- a warm-up: a first visit to a freshly started server pays for importing pandas and Altair,
  for DuckDB reading the contacts from disk, and for every dashboard query and chart, all while
  the visitor waits. This launcher imports those modules before the server starts and, once it
  runs, opens one session of its own that runs app.py as a first visitor would (the default
  page, in the default language), so the first person to arrive meets a warm server;
- `/healthz` for a load balancer or a container orchestrator: 200 when the store answers, 503
  with the reason when it does not.

`streamlit run scripts/serve.py` serves the same app without the preload (Streamlit finds the
`app` below); options after the script name go to `streamlit run` either way.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
WARM_UP_TIMEOUT = 120.0  # seconds; a warm-up that takes longer is abandoned, the server runs on

log = logging.getLogger("commitboard.serve")

if str(ROOT) not in sys.path:  # run as a script or imported by `streamlit run`: kpi is beside it
    sys.path.insert(0, str(ROOT))


def preload() -> None:
    """Import what the pages import, so no visitor waits for it; open the app's database (which
    migrates it), cap DuckDB's memory and bring the rollups up to date, then close it again.

    Closed, not kept open: if DuckDB ever gives up on the database (an internal error), the app
    closes its connection and opens the file anew (views/common.py, _reopen), which only works
    when no other connection in the process keeps the broken database alive. The warm-up run
    opens the app's own connection and warms it before the first visitor comes."""
    import altair  # noqa: F401
    import pandas  # noqa: F401

    from kpi import charts, contacts, db, exports, metrics, rollups, settings  # noqa: F401

    con = db.connect(db.target())
    try:
        # The same cap the app sets on its own connection (COMMITBOARD_MEMORY_LIMIT).
        db.limit_memory(con, settings.get("COMMITBOARD_MEMORY_LIMIT"))
        if rollups.installed(con) and not rollups.current(con):
            # Every write of the app keeps them; a database left behind by an older version (or
            # by a write outside the app) is counted again once now, rather than have every
            # dashboard visit scan the contacts.
            started = time.perf_counter()
            rollups.rebuild(con)
            log.info("rollups counted again in %.1f s", time.perf_counter() - started)
    finally:
        con.close()


class WarmUpClient:
    """A session client that only listens for the end of the first script run."""

    def __init__(self) -> None:
        self.finished = asyncio.Event()

    def write_forward_msg(self, msg) -> None:
        if msg.WhichOneof("type") == "script_finished":
            self.finished.set()

    @property
    def client_context(self):
        return None


async def warm_up() -> None:
    """Run app.py once in a session of our own, then close it."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.runtime import Runtime

    started = time.perf_counter()
    runtime = Runtime.instance()
    client = WarmUpClient()
    session_id = runtime.connect_session(client=client, user_info={})
    try:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_script_hash = ""
        runtime.handle_backmsg(session_id, msg)
        await asyncio.wait_for(client.finished.wait(), WARM_UP_TIMEOUT)
        log.info("warmed up in %.1f s", time.perf_counter() - started)
    except Exception as exc:  # a failed warm-up must not stop the server
        log.warning("warm-up skipped: %s", exc)
    finally:
        runtime.disconnect_session(session_id)


@asynccontextmanager
async def lifespan(_app: st.App):
    """Once the server has started: the warm-up, in the background (requests are served
    meanwhile; the first visitor who comes before it ends simply waits as they would have)."""
    task = asyncio.get_running_loop().create_task(warm_up(), name="commitboard.warm_up")
    yield
    task.cancel()


async def healthz(_request) -> JSONResponse:
    """200 and what the store holds when it answers; 503 and the reason when it does not."""
    from kpi import db, health

    try:
        answer = await run_in_threadpool(health.check)
    except Exception as exc:  # any failure is an unhealthy store, said in one line
        log.warning("health check failed: %s", db.redact(str(exc)))
        reason = db.redact(str(exc))  # DuckDB repeats a lake's connection string
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ok", **answer})


app = st.App(APP, lifespan=lifespan, routes=[Route("/healthz", healthz)])


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    # Streamlit reads .streamlit/config.toml and secrets.toml from the working folder.
    os.chdir(ROOT)
    from kpi.db import StoreError

    try:
        preload()
    except StoreError as exc:
        sys.exit(f"commitboard: {exc}")
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", "run", __file__, *argv]
    streamlit_main()


if __name__ == "__main__":
    main(sys.argv[1:])
