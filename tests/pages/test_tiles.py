"""The dashboard's KPI tiles (views/tiles.py): what each tile says, and that its text stays text."""

from __future__ import annotations

import re

from tests.pages.conftest import _TileParser
from views import tiles


def shown(html: str):
    parser = _TileParser()
    parser.feed(html)
    return parser.tiles


def test_a_tile_shows_name_value_help_change_and_trend():
    tile = tiles.Tile(
        key="quick_quote_share",
        label="Quick quotes",
        value="40%",
        help="Share of quotes sent without real commitment.",
        delta="+50.0 pts",
        tone="bad",
        rising=True,
        trend=(0.2, 0.4, 0.3),
    )
    html = tiles.group_html([[tile]])
    [seen] = shown(html)
    assert (seen.key, seen.label, seen.value) == ("quick_quote_share", "Quick quotes", "40%")
    assert seen.help == "Share of quotes sent without real commitment."
    assert (seen.delta, seen.tone, seen.trend_points) == ("+50.0 pts", "bad", 3)
    # The arrow is drawn but not read out; the pill and the line take the tone's colours.
    assert '<span aria-hidden="true">↑ </span>' in html
    assert "color: var(--cb-bad); background: var(--cb-bad-bg)" in html
    assert 'style="stroke: var(--cb-bad-line)"' in html


def test_without_a_window_before_there_is_no_pill_and_the_line_is_the_apps_colour():
    tile = tiles.Tile(key="contacts", label="Contacts", value="8", help="h", trend=(1.0, 2.0))
    html = tiles.tile_html(tile)
    [seen] = shown(html)
    assert (seen.delta, seen.tone) == ("", "")
    assert "cb-delta" not in html
    assert 'style="stroke: var(--cb-plain)"' in html


def test_unchanged_has_no_arrow():
    tile = tiles.Tile(key="advance_rate", label="A", value="1", help="h", delta="0.0 pts")
    html = tiles.tile_html(tile)
    assert '<span aria-hidden="true"></span>' in html and "↑" not in html and "↓" not in html


def test_the_trend_fills_the_box_from_low_to_high():
    svg = tiles.trend_svg((1.0, 2.0, 3.0), "#000")
    # x from 0 to 100, y from 38 (lowest) to 2 (highest): SVG's y grows downwards.
    assert 'points="0.0,38.0 50.0,20.0 100.0,2.0"' in svg
    assert 'points="0.0,20.0 100.0,20.0"' in tiles.trend_svg((5.0, 5.0), "#000")  # flat: middle
    assert tiles.trend_svg((5.0,), "#000") == ""  # one week draws no line
    assert tiles.trend_svg((), "#000") == ""


def test_rows_keep_their_tiles_in_order():
    row = [tiles.Tile(key=k, label=k.upper(), value="1", help="h") for k in ("a", "b", "c")]
    html = tiles.group_html([row[:2], row[2:]])
    assert html.count('<div class="cb-row">') == 2
    assert [t.key for t in shown(html)] == ["a", "b", "c"]


def test_text_is_escaped_so_markup_in_it_stays_text():
    tile = tiles.Tile(
        key="contacts",
        label='<b>"Contacts"</b>',
        value="<script>x</script>",
        help='Say "hi" & <i>go</i>',
        delta="<u>+1</u>",
        tone="good",
        rising=True,
    )
    html = tiles.tile_html(tile)
    assert "<b>" not in html and "<script>" not in html and "<i>" not in html and "<u>" not in html
    [seen] = shown(html)
    assert seen.label == '<b>"Contacts"</b>'
    assert seen.value == "<script>x</script>"
    assert seen.help == 'Say "hi" & <i>go</i>'
    assert seen.delta == "<u>+1</u>"


def test_the_html_has_no_blank_line():
    """Markdown ends an HTML block at a blank line and would show the rest as text."""
    row = [tiles.Tile(key="a", label="A", value="1", help="h", delta="+1", trend=(1.0, 2.0))]
    assert not re.search(r"\n\s*\n", tiles.group_html([row]))


def test_a_longer_value_gets_a_smaller_font_to_fit():
    assert tiles.value_fit("10.000.000") == "16.7cqi"  # 100 / (0.6 em x 10 characters)
    assert tiles.value_fit("€ 5.186.700.480") == "11.1cqi"
    html = tiles.tile_html(tiles.Tile(key="contacts", label="C", value="10.000.000", help="h"))
    assert 'style="--fit: 16.7cqi">10.000.000</div>' in html


def test_the_tiles_take_their_colours_from_both_themes():
    """Each colour is CSS's light-dark() of the light and the dark theme's: the page's colour
    scheme (set by Streamlit's theme) picks one."""
    from kpi import charts

    light, dark = charts.LIGHT, charts.DARK
    css = tiles.theme_css(light, dark)
    assert f"--cb-text: light-dark({light.text}, {dark.text});" in css
    assert f"--cb-plain: light-dark({light.primary}, {dark.primary});" in css
    good = tiles.TONES["light"]["good"][0], tiles.TONES["dark"]["good"][0]
    assert f"--cb-good: light-dark({good[0]}, {good[1]});" in css
    # The page's stylesheet starts with the app's own themes; the running ones come after it.
    assert tiles.CSS.startswith(css)
