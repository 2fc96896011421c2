"""Start the app warm: `python scripts/serve.py [streamlit run options]` instead of `streamlit run app.py`.

A first visit to a freshly started Streamlit server pays for importing pandas and Altair, for
DuckDB reading the contacts from disk, and for every dashboard query and chart, all while the
visitor waits. This launcher imports those modules before the server starts and, once it runs,
opens one session of its own inside the server that runs app.py as a first visitor would (the
default page, in the default language). That fills DuckDB's buffers and the app's caches, so the
first person to arrive meets a warm server. Options after the script name go to `streamlit run`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
WARM_UP_TIMEOUT = 120.0  # seconds; a warm-up that takes longer is abandoned, the server runs on

log = logging.getLogger("commitboard.serve")


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

    con = db.connect(db.db_path())
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
        # With its last session gone Streamlit forgets the compiled pages; compile them again
        # now rather than while the first visitor waits (about 0.1 s).
        for script in (APP, *sorted((ROOT / "views").glob("*.py"))):
            runtime._script_cache.get_bytecode(str(script))


def install_warm_up() -> None:
    """Have the server run warm_up() as soon as it has started."""
    from streamlit.web import bootstrap

    on_start = bootstrap._on_server_start

    def on_server_start(server) -> None:
        on_start(server)
        asyncio.get_running_loop().create_task(warm_up(), name="commitboard.warm_up")

    bootstrap._on_server_start = on_server_start


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    sys.path.insert(0, str(ROOT))
    from kpi.db import StoreError

    try:
        preload()
    except StoreError as exc:
        sys.exit(f"commitboard: {exc}")
    install_warm_up()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", "run", str(APP), *argv]
    streamlit_main()


if __name__ == "__main__":
    main(sys.argv[1:])
