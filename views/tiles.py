"""The dashboard's KPI tiles, drawn as one block of HTML per group.

Each tile reads like Streamlit's own metric: the KPI's name with a help mark, the value, the
change against the window before as a coloured pill, and the weekly trend as a line. Streamlit's
st.metric draws every trend line as a Vega view of its own: twelve of them made each first visit,
navigation and filter change wait for the browser (bench/RESULTS.md, session 6: a filter change
at 1M 0.55 s against 0.42 s drawn as here). Here the trend line is a plain SVG polyline the
server draws, and each group is one element.

Pure functions, no Streamlit: the page formats the values and hands them over.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from kpi.charts import DARK, LIGHT, Palette, mix

# Colours of Streamlit's metric deltas in its light and dark theme. The tiles draw them through
# CSS variables (theme_css), so a tile's HTML is the same in either theme.
TONES: dict[str, dict[str, tuple[str, str, str]]] = {
    # theme: tone: (text, pill background, trend line)
    "light": {
        "good": ("#177233", "rgba(33, 195, 84, 0.1)", "#21c354"),
        "bad": ("#bd4043", "rgba(255, 43, 43, 0.09)", "#ff4b4b"),
        "off": ("rgba(49, 51, 63, 0.6)", "rgba(172, 177, 195, 0.25)", "#9aa7a2"),
    },
    "dark": {
        "good": ("#5ce488", "rgba(61, 213, 109, 0.2)", "#3dd56d"),
        "bad": ("#ff8c8c", "rgba(255, 108, 108, 0.2)", "#ff6c6c"),
        "off": ("rgba(250, 250, 250, 0.65)", "rgba(172, 177, 195, 0.25)", "#9aa7a2"),
    },
}


def theme_css(light: Palette, dark: Palette) -> str:
    """The colours of the tiles in the light and the dark theme (kpi.charts.Palette: the theme's
    text, background and primary colour), as CSS variables for CSS below. Each is CSS's
    light-dark() of the two, so the tiles follow the colour scheme Streamlit gives the page, at
    once when the viewer switches theme (the page learns of a switch only at its next run)."""
    light_tones, dark_tones = TONES["light"], TONES["dark"]

    def pair(palette: Palette, tones: dict[str, tuple[str, str, str]]) -> dict[str, str]:
        values = {
            "text": palette.text,
            "label": mix(palette.text, palette.background, 0.85),
            "help": mix(palette.text, palette.background, 0.6),
            "tip": palette.text,
            "tip-text": palette.background,
            "plain": palette.primary,
        }
        for tone, (text, background, line) in tones.items():
            values |= {tone: text, f"{tone}-bg": background, f"{tone}-line": line}
        return values

    on_light, on_dark = pair(light, light_tones), pair(dark, dark_tones)
    body = " ".join(
        f"--cb-{name}: light-dark({value}, {on_dark[name]});" for name, value in on_light.items()
    )
    return f"<style>.cb-row {{ {body} }}</style>"


# Once per page (st.html with only a <style> adds no element to the layout), the app's default
# colours first; the page adds theme_css() with the themes it runs with. The help text is a
# tooltip of CSS alone, so it shows on hover, on keyboard focus and on a tap, like Streamlit's.
CSS = (
    theme_css(LIGHT, DARK)
    + """<style>
.cb-row { display: flex; flex-wrap: wrap; gap: 0.75rem 1rem; margin-bottom: 0.75rem; }
.cb-tile { flex: 1 1 0; min-width: 7.5rem; container-type: inline-size; }
.cb-label { display: flex; align-items: center; gap: 0.3rem; min-height: 1.5rem;
  font-size: 0.875rem; color: var(--cb-label); }
.cb-name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cb-help { position: relative; flex: none; display: inline-flex; align-items: center;
  justify-content: center; width: 0.95rem; height: 0.95rem; border-radius: 50%;
  border: 1px solid var(--cb-help); color: var(--cb-help);
  font-size: 0.65rem; font-weight: 600; line-height: 1; cursor: help; }
.cb-help:hover::after, .cb-help:focus::after { content: attr(data-help); position: absolute;
  top: 1.3rem; left: -0.5rem; z-index: 20; width: max-content; max-width: 15rem;
  padding: 0.5rem 0.65rem; border-radius: 0.4rem; background: var(--cb-tip);
  color: var(--cb-tip-text); font-size: 0.8rem; font-weight: 400; line-height: 1.4;
  white-space: normal; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); }
.cb-row .cb-tile:last-child:not(:first-child) .cb-help:hover::after,
.cb-row .cb-tile:last-child:not(:first-child) .cb-help:focus::after { left: auto; right: -0.5rem; }
.cb-value { font-size: min(2.25rem, var(--fit, 2.25rem)); line-height: 1.25;
  color: var(--cb-text); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cb-delta { display: inline-block; margin-top: 0.15rem; padding: 0.05rem 0.5rem;
  border-radius: 1rem; font-size: 0.875rem; white-space: nowrap; }
.cb-trend { display: block; width: 100%; height: 2.75rem; margin-top: 0.4rem; }
</style>"""
)


@dataclass(frozen=True)
class Tile:
    """One KPI as shown: texts already formatted in the user's language."""

    key: str
    label: str
    value: str
    help: str
    delta: str | None = None  # the change against the window before; None: nothing to compare
    tone: str = "off"  # "good", "bad" or "off" (unchanged): the pill's colour
    rising: bool | None = None  # the arrow: up, down, or none (None)
    trend: tuple[float, ...] = ()  # per week, oldest first; a line needs two
    goal: str | None = None  # the goal and where the KPI stands against it (kpi.goals)


def trend_svg(values: tuple[float, ...], colour: str) -> str:
    """The values as a line from left to right, scaled to fill the box (empty for fewer than
    two); a flat series runs through the middle. `colour` is CSS: a colour or a var()."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    step = 100 / (len(values) - 1)

    def y(value: float) -> float:
        return 20.0 if high == low else 38 - 36 * (value - low) / (high - low)

    points = " ".join(f"{i * step:.1f},{y(v):.1f}" for i, v in enumerate(values))
    return (
        '<svg class="cb-trend" viewBox="0 0 100 40" preserveAspectRatio="none"'
        ' aria-hidden="true" focusable="false">'
        f'<polyline points="{points}" fill="none" style="stroke: {colour}" stroke-width="2"'
        ' stroke-linejoin="round" vector-effect="non-scaling-stroke"/></svg>'
    )


# A trend line in its tone's colour; without a comparison, in the app's own.
TREND: dict[str | None, str] = {
    "good": "var(--cb-good-line)",
    "bad": "var(--cb-bad-line)",
    "off": "var(--cb-off-line)",
    None: "var(--cb-plain)",
}

# How wide a character of a value is, in em (digits, dots and € in the app's sans-serif font are
# 0.5-0.55 em; a little more keeps a margin).
CHARACTER_EM = 0.6


def value_fit(value: str) -> str:
    """The largest font size at which `value` fits its tile, in units of the tile's width: a long
    number (10.000.000, or revenue in the billions) shrinks rather than being cut off."""
    return f"{100 / (CHARACTER_EM * max(len(value), 1)):.1f}cqi"


def tile_html(tile: Tile) -> str:
    delta = ""
    if tile.delta is not None:
        arrow = "" if tile.rising is None else "↑ " if tile.rising else "↓ "
        delta = (
            f'<div class="cb-delta" data-tone="{tile.tone}"'
            f' style="color: var(--cb-{tile.tone}); background: var(--cb-{tile.tone}-bg)">'
            f'<span aria-hidden="true">{arrow}</span>'
            f'<span data-testid="cbKpiDelta">{escape(tile.delta)}</span></div>'
        )
    label, help_text = escape(tile.label), escape(tile.help)
    return (
        f'<div class="cb-tile" data-testid="cbKpi" data-kpi="{escape(tile.key)}"'
        f' role="group" aria-label="{label}">'
        f'<div class="cb-label"><span class="cb-name" data-testid="cbKpiLabel">{label}</span>'
        f'<span class="cb-help" tabindex="0" role="note" aria-label="{help_text}"'
        f' data-help="{help_text}">?</span></div>'
        f'<div class="cb-value" data-testid="cbKpiValue"'
        f' style="--fit: {value_fit(tile.value)}">{escape(tile.value)}</div>'
        f"{delta}{trend_svg(tile.trend, TREND[tile.tone] if tile.delta is not None else TREND[None])}"
        f"{goal_html(tile.goal)}</div>"
    )


def goal_html(goal: str | None) -> str:
    """The goal's line under a tile (empty without a goal); its colour follows the tile's text."""
    if not goal:
        return ""
    return (
        '<div data-testid="cbKpiGoal" style="margin-top: 0.3rem; font-size: 0.8rem;'
        f' opacity: 0.8; line-height: 1.3">{escape(goal)}</div>'
    )


def group_html(rows: list[list[Tile]]) -> str:
    """Rows of tiles, each row sharing the width equally; one line of HTML (Markdown would end
    an HTML block at a blank line)."""
    return "".join(
        '<div class="cb-row">' + "".join(tile_html(tile) for tile in row) + "</div>" for row in rows
    )
