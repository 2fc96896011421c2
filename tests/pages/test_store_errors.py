"""What the app shows when its database does not open, and that it starts once that is mended."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.pages.conftest import ROOT, kpi_tiles
from tests.reliability.helpers import cli
from tests.reliability.test_recover import unreplayable


def test_the_app_names_recover_and_starts_after_it(tmp_path, monkeypatch):
    """What a director sees, in Dutch and English, and the app after recover (no restart)."""
    path = unreplayable(tmp_path)
    monkeypatch.setenv("COMMITBOARD_DB", str(path))
    monkeypatch.setenv("COMMITBOARD_LANG", "nl")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets = {}
    at.run()
    assert not at.exception
    command = f"python -m kpi recover --db {path}"
    assert [e.value for e in at.error] == [
        f"De database `{path}` kan niet worden geopend: het logboek van de laatste wijzigingen "
        "laat zich niet afspelen (de app of een opdracht werd tijdens een wijziging gestopt). "
        f"Voer `{command}` uit op de server: dat zet het logboek opzij (het blijft bewaard) en "
        "opent de laatst opgeslagen stand; laad daarna deze pagina opnieuw."
    ]
    at.query_params["lang"] = "en"
    at.run()
    assert [e.value for e in at.error][0].startswith(
        f"The database `{path}` cannot be opened: the log of its last changes does not replay"
    )
    assert cli("recover", "--db", str(path)).returncode == 0
    at.run()
    assert not at.exception and not at.error
    assert len(kpi_tiles(at)) == 12
