"""The engine stays importable without the UI, and every setting is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kpi import settings

ROOT = Path(__file__).resolve().parents[2]


def test_importing_kpi_does_not_import_streamlit():
    code = (
        "import importlib, pkgutil, sys, kpi\n"
        "names = [m.name for m in pkgutil.walk_packages(kpi.__path__, 'kpi.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names) > 5, 'streamlit' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True False"


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in settings.SETTINGS:
        assert setting.name in readme, f"{setting.name} is not documented in README.md"


def test_every_text_has_both_languages():
    from kpi import i18n

    for key, entry in i18n.TEXTS.items():
        assert set(entry) == {"en", "nl"}, key
        assert all(entry.values()), key
