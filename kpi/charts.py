"""Pure functions from a kpi DataFrame to an Altair chart, in the language's locale and the
viewer's light or dark theme."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import altair as alt
import pandas as pd

from kpi import i18n

# Channels: Altair turns every string or dict it gets as an encoding channel into a channel
# object by re-indexing its whole schema (milliseconds each, many per chart), so every channel
# here is written as the channel object itself: alt.X("x:Q"), not "x:Q". Same spec, faster.


def mix(colour: str, other: str, share: float) -> str:
    """`share` of `colour` over `other` ('#rrggbb'): a tint that stays in the theme's tones."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(
        f"{round(x * share + y * (1 - share)):02X}" for x, y in zip(a, b, strict=True)
    )


@dataclass(frozen=True)
class Palette:
    """The colours of one theme: text, background and primary come from the theme Streamlit
    runs in (.streamlit/config.toml); the rest is derived from them."""

    kind: str  # "light" or "dark"
    text: str
    background: str
    primary: str
    warning: str

    @property
    def muted(self) -> str:
        return mix(self.text, self.background, 0.5)

    @property
    def grid(self) -> str:
        return mix(self.text, self.background, 0.14)

    @property
    def primary_soft(self) -> str:
        return mix(self.primary, self.background, 0.45)

    @property
    def warning_soft(self) -> str:
        return mix(self.warning, self.background, 0.18)

    @property
    def levels(self) -> tuple[str, ...]:
        """Levels 0..4 of the ladder: grey for no commitment, deepening towards a joint plan."""
        return (
            mix(self.text, self.background, 0.22),
            mix(self.primary, self.background, 0.35),
            mix(self.primary, self.background, 0.6),
            mix(self.primary, self.background, 0.8),
            self.primary,
        )

    @property
    def category(self) -> list[str]:
        return [self.primary, self.warning, self.muted, self.levels[3], "#E0A458", "#5B7F95"]


# The app's colours as .streamlit/config.toml gives them to the light and the dark theme.
LIGHT = Palette("light", text="#1C2B27", background="#FFFFFF", primary="#0F6E56", warning="#C4572A")
DARK = Palette("dark", text="#E3ECE9", background="#0E1714", primary="#3DB48C", warning="#EE8B5F")
PALETTES: dict[str, Palette] = {"light": LIGHT, "dark": DARK}
PRIMARY = LIGHT.primary
LEVEL_COUNT = 5


def palette(kind: str | None, **colours: str | None) -> Palette:
    """The palette of a theme of this kind ("light"/"dark"; anything else is light), with the
    colours the running theme sets (text, background, primary) instead of the defaults."""
    base = PALETTES.get(kind or "light", LIGHT)
    given = {name: value for name, value in colours.items() if _is_hex(value)}
    return Palette(**{**base.__dict__, **given})


def _is_hex(value: object) -> bool:
    return isinstance(value, str) and len(value) == 7 and value.startswith("#")


# Vega's own formatting (d3-format, d3-time-format) in the language: axes, tooltips and dates
# written the way the language writes them. These are d3's nl-NL definitions; English keeps
# Vega's en-US time locale, with the euro as its currency.
LOCALES: dict[str, dict[str, object]] = {
    "en": {
        "number": {
            "decimal": ".",
            "thousands": ",",
            "grouping": [3],
            "currency": ["€", ""],
        },
    },
    "nl": {
        "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
        "time": {
            "dateTime": "%a %e %B %Y %X",
            "date": "%d-%m-%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [
                "zondag",
                "maandag",
                "dinsdag",
                "woensdag",
                "donderdag",
                "vrijdag",
                "zaterdag",
            ],
            "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
            "months": [
                "januari",
                "februari",
                "maart",
                "april",
                "mei",
                "juni",
                "juli",
                "augustus",
                "september",
                "oktober",
                "november",
                "december",
            ],
            "shortMonths": [
                "jan",
                "feb",
                "mrt",
                "apr",
                "mei",
                "jun",
                "jul",
                "aug",
                "sep",
                "okt",
                "nov",
                "dec",
            ],
        },  # fmt: skip
    },
}


def locale(lang: str) -> dict[str, object]:
    """Vega-Lite's config.locale for the language."""
    return LOCALES.get(lang, LOCALES["en"])


def theme(colours: Palette = LIGHT, lang: str = "en") -> dict[str, object]:
    """The Vega-Lite config every chart of the app carries."""
    text, grid = colours.text, colours.grid
    return {
        "locale": locale(lang),
        "background": colours.background,
        "view": {"stroke": None},
        "axis": {
            "labelColor": text,
            "titleColor": text,
            "gridColor": grid,
            "domainColor": grid,
            "tickColor": grid,
            "titleFontWeight": "normal",
            "labelFontSize": 11,
            "titleFontSize": 12,
        },
        "legend": {"labelColor": text, "titleColor": text, "orient": "bottom"},
        "title": {
            "anchor": "start",
            "color": text,
            "subtitleColor": colours.muted,
            "fontSize": 14,
            "fontWeight": "bold",
        },
        "text": {"color": text},
        "range": {
            "category": colours.category,
            "ramp": [colours.primary_soft, colours.primary],
            "heatmap": list(colours.levels),
        },
        "mark": {"color": colours.primary},
    }


@cache
def _config(colours: Palette, lang: str) -> alt.Config:
    # Built (and validated by Altair) once per theme and language; the dashboard draws six
    # charts on every run.
    return alt.Config(**theme(colours, lang))


class _Checked:
    """to_dict() without validating the spec against the Vega-Lite schema, unless asked to.

    Streamlit calls to_dict() on every run of a page, and validation is most of its cost (tens
    of milliseconds for the quadrant). Every spec this module builds is validated in the tests
    instead (tests/kpi/test_chart_specs.py), so a page run need not do it again.
    """

    def to_dict(self, validate: bool = False, **kwargs: object) -> dict:
        return super().to_dict(validate, **kwargs)


class _CheckedChart(_Checked, alt.Chart):
    pass


class _CheckedLayerChart(_Checked, alt.LayerChart):
    pass


_CHECKED: dict[type, type] = {alt.Chart: _CheckedChart, alt.LayerChart: _CheckedLayerChart}


def _themed(
    chart: alt.TopLevelMixin,
    title: str,
    height: int,
    lang: str,
    colours: Palette,
    subtitle: str | None = None,
) -> alt.TopLevelMixin:
    # Set in place on the chart just built: .properties() would deep-copy the whole chart
    # (tens of thousands of objects for the quadrant) once per property.
    chart.title = alt.TitleParams(title, subtitle=subtitle) if subtitle else title
    chart.height = height
    chart.config = _config(colours, lang)
    # The same chart as a _Checked one (Altair's own setattr would store it as a property).
    object.__setattr__(chart, "__class__", _CHECKED[type(chart)])
    return chart


def _text(key: str, lang: str, **values: object) -> str:
    return i18n.t(key, lang, **values)


def _formatted(values: pd.Series, fmt: Callable[[object], str]) -> pd.Series:
    """A column of display text for values that may be missing: Vega would format a missing
    share as 0%, so these are written here, the way the tiles write them ('–' for none)."""
    return values.astype(object).map(lambda v: fmt(None if pd.isna(v) else v)).astype(str)


def _count_axis(title: str, **kwargs: object) -> alt.Axis:
    """An axis of whole numbers with the language's thousands separator (config.locale)."""
    return alt.Axis(title=title, format=",d", tickMinStep=1, **kwargs)


def _share_axis(title: str, **kwargs: object) -> alt.Axis:
    return alt.Axis(title=title, format=".0%", **kwargs)


Period = tuple[dt.date | None, dt.date | None, dt.date]  # first day, last day, today


def week_days(
    week_start: dt.date, first: dt.date | None, last: dt.date | None, today: dt.date
) -> int:
    """How many of the ISO week's seven days lie in the period from `first` to `last` (either
    open) and not after today: 7 for a whole week, fewer for a week the period or today cuts."""
    start = max(week_start, first) if first else week_start
    end = min(week_start + dt.timedelta(days=6), today, *([last] if last else []))
    return max((end - start).days + 1, 0)


def _week_labels(frame: pd.DataFrame, lang: str, period: Period | None = None) -> pd.DataFrame:
    """The frame ordered by week, with an ISO week label as Dutch teams count weeks. With a
    `period` (first day, last day, today) a week with fewer than seven days in it is marked
    (label ending in *, `days` below 7): its low bar is a short week, not a dip."""
    out = frame.sort_values(["iso_year", "iso_week"]).reset_index(drop=True)
    if period is None or "week_start" not in out:
        days = [7] * len(out)
    else:
        days = [week_days(pd.Timestamp(s).date(), *period) for s in out["week_start"]]
    out["days"] = days
    out["week_label"] = [
        i18n.iso_week_label(int(y), int(w), lang) + ("*" if d < 7 else "")
        for y, w, d in zip(out["iso_year"], out["iso_week"], days, strict=True)
    ]
    out["days_text"] = [_text("dash_week_days", lang, days=d) for d in days]
    out["partial"] = [d < 7 for d in days]
    return out


def _partial_note(data: pd.DataFrame, lang: str) -> str | None:
    return _text("dash_partial_weeks", lang) if data["partial"].any() else None


def level_name(level: int, lang: str) -> str:
    """'2 · Customer acts': the ladder level with its number, for axes and legends."""
    return f"{level} · {i18n.t(f'level_{level}', lang)}"


# -- the charts -----------------------------------------------------------------------------------

# The quadrant is this high, title and axes included (Streamlit fits the whole chart in it); its
# width follows the page. Its rep names are laid out for the smallest plot it gets on a laptop:
# a larger one only spreads them further apart (on a 1,400 px window the plot is about 370 by
# 310 px).
QUADRANT_HEIGHT = 400
QUADRANT_MIN_WIDTH = 300
QUADRANT_MIN_PLOT_HEIGHT = 290
DOT_AREA = (60, 900)  # the smallest and the largest dot, in square pixels (by quotes)
NAME_CHAR_PX = 6.4  # a character of an 11 px name, a little wide to keep a margin
NAME_LINE_PX = 15  # the height of a name's row, as the browser measures an 11 px text
NAME_DX = 10  # a name starts this far right (or ends this far left) of its point's centre
BOLD_CHAR_PX = 7.2  # a character of a quadrant's bold name

Box = tuple[float, float, float, float]  # left, right, top, bottom in pixels


def _overlap(a: Box, b: Box, margin: float = 2.0) -> bool:
    return (
        a[0] < b[1] + margin
        and b[0] < a[1] + margin
        and a[2] < b[3] + margin
        and b[2] < a[3] + margin
    )


def dot_radius(quotes: float, most_quotes: float) -> float:
    """A dot's radius in pixels: its area grows with the quotes sent, as the size scale draws."""
    low, high = DOT_AREA
    area = low + (high - low) * (quotes / most_quotes if most_quotes else 0.0)
    return math.sqrt(area / math.pi)


def name_layout(
    xs: list[float],
    ys: list[float],
    radii: list[float],
    names: list[str],
    x_end: float,
    y_top: float,
    corner_labels: tuple[tuple[str, float], ...] = (),
) -> list[tuple[float, str, bool]]:
    """Where each rep's name goes in the quadrant so that no name covers another name or
    another rep's dot: (y of the name's middle in data units, side of the point "right" or
    "left", moved away from its point?).

    A name sits just above and to the right of its own dot (to the left where it would run
    off the plot or cover something). Names are placed top to bottom; one that would cover
    something on either side takes the nearest free row above or below, and gets a leader line
    to its point. `corner_labels` (text, top in data units) are the quadrants' names at the right
    edge: the rep names keep clear of them too."""
    width, height = QUADRANT_MIN_WIDTH, QUADRANT_MIN_PLOT_HEIGHT
    px = [width * x / x_end if x_end else 0.0 for x in xs]
    py = [height * (1 - y / y_top) if y_top else float(height) for y in ys]
    dots: list[Box] = [(x - r, x + r, y - r, y + r) for x, y, r in zip(px, py, radii, strict=True)]
    taken: list[Box] = [
        (width - BOLD_CHAR_PX * len(text), width, top_px, top_px + NAME_LINE_PX + 4)
        for text, top in corner_labels
        if y_top
        for top_px in [height * (1 - top / y_top)]
    ]
    half = NAME_LINE_PX / 2
    out: dict[int, tuple[float, str, bool]] = {}
    for i in sorted(range(len(names)), key=lambda k: (py[k], px[k])):
        size = NAME_CHAR_PX * len(names[i])
        # Just clear of its own dot where the name starts, NAME_DX from the centre.
        clear = math.sqrt(max(radii[i] ** 2 - NAME_DX**2, 0.0))
        wanted = min(max(py[i] - clear - half - 1, half), height - half)
        others = [dot for k, dot in enumerate(dots) if k != i] + taken
        sides = {"right": px[i] + NAME_DX, "left": px[i] - NAME_DX - size}
        # Right of the dot if it fits, else left; the nearest free row, right before left.
        usable = [side for side, left in sides.items() if 0 <= left and left + size <= width]
        usable = usable or ["left"]
        offsets = [0.0] + [4.0 * k * sign for k in range(1, height // 4) for sign in (-1, 1)]
        candidates = (
            (wanted + offset, side)
            for offset in offsets
            if half <= wanted + offset <= height - half
            for side in usable
        )
        y, side = next(
            (
                (y, side)
                for y, side in candidates
                if not any(
                    _overlap((sides[side], sides[side] + size, y - half, y + half), other)
                    for other in others
                )
            ),
            (wanted, usable[0]),
        )
        left = sides[side]
        taken.append((left, left + size, y - half, y + half))
        out[i] = (y_top * (1 - y / height), side, y != wanted)
    return [out[i] for i in range(len(names))]


def rep_quadrant(frame: pd.DataFrame, lang: str, colours: Palette = LIGHT) -> alt.LayerChart:
    """Per rep: contacts (x) against advance rate (y), sized by quotes, coloured by quick quotes.

    `frame` is metrics.kpi_frame(by="rep"). Rules at the team medians split the plane; the
    bottom-right quadrant (many contacts, little real commitment) is shaded and labelled. Names
    of reps whose points cluster are spread apart, with a leader line to their point.
    """
    data = frame.loc[
        :, ["rep_name", "contacts", "advance_rate", "quotes", "quick_quote_share", "revenue"]
    ]
    data = data.assign(
        contacts_text=_formatted(data["contacts"], lambda v: i18n.fmt_number(v, lang)),
        advance_text=_formatted(data["advance_rate"], lambda v: i18n.fmt_pct(v, lang)),
        quick_text=_formatted(data["quick_quote_share"], lambda v: i18n.fmt_pct(v, lang)),
        revenue_text=_formatted(data["revenue"], lambda v: i18n.fmt_money(v, lang)),
    )
    x_title = _text("kpi_contacts", lang)
    y_title = _text("kpi_advance_rate", lang)
    quick_title = _text("kpi_quick_quote_share", lang)
    # Room to the right of the busiest rep, so their dot and name stay inside the plot.
    most = float(data["contacts"].max()) if not data.empty else 0.0
    x_end = most * 1.12
    x_scale = alt.Scale(domain=[0, x_end], nice=False) if most > 0 else alt.Scale(zero=True)
    # A fixed top (the highest rate and a margin, in tenths) so a name's place is known here.
    highest = data["advance_rate"].max() if data["advance_rate"].notna().any() else 0.0
    y_top = min(1.0, math.ceil((float(highest) + 0.06) * 10) / 10)
    x = alt.X("contacts:Q", axis=_count_axis(x_title), scale=x_scale)
    y = alt.Y("advance_rate:Q", axis=_share_axis(y_title), scale=alt.Scale(domain=[0, y_top]))

    points = (
        alt.Chart(data)
        .mark_circle(opacity=0.9, stroke=colours.background, strokeWidth=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "quotes:Q",
                title=_text("kpi_quotes", lang),
                scale=alt.Scale(range=list(DOT_AREA), zero=True),
                legend=None,
            ),
            # A channel object, not the dict alt.condition() gives (see Channels above).
            color=alt.ColorValue(
                **alt.condition(
                    "isValid(datum.quick_quote_share)",
                    alt.Color(
                        "quick_quote_share:Q",
                        title=quick_title,
                        scale=alt.Scale(
                            domain=[0, 1],
                            range=[colours.primary, "#E0A458", colours.warning],
                        ),
                        legend=alt.Legend(format=".0%", orient="right", gradientLength=160),
                    ),
                    alt.value(colours.muted),
                )
            ),
            tooltip=[
                alt.Tooltip("rep_name:N", title=_text("dash_col_rep", lang)),
                alt.Tooltip("contacts_text:N", title=x_title),
                alt.Tooltip("advance_text:N", title=y_title),
                alt.Tooltip("quotes:Q", title=_text("kpi_quotes", lang), format=",d"),
                alt.Tooltip("quick_text:N", title=quick_title),
                alt.Tooltip("revenue_text:N", title=_text("kpi_revenue", lang)),
            ],
        )
    )

    ranked = data.dropna(subset=["advance_rate"])
    corners: tuple[tuple[str, float], ...] = ()
    if not ranked.empty:
        corners = (
            (_text("dash_quadrant_building", lang), y_top),
            (_text("dash_quadrant_ticking", lang), float(ranked["advance_rate"].median())),
        )
    placed = data.loc[:, ["rep_name", "contacts", "advance_rate", "quotes"]]
    placed = placed.dropna(subset=["contacts", "advance_rate"])
    most_quotes = float(data["quotes"].max()) if not data.empty else 0.0
    layout = name_layout(
        placed["contacts"].astype(float).to_list(),
        placed["advance_rate"].astype(float).to_list(),
        [dot_radius(float(q), most_quotes) for q in placed["quotes"].fillna(0)],
        placed["rep_name"].astype(str).to_list(),
        x_end,
        y_top,
        corners,
    )
    placed = placed.assign(
        name_y=[row[0] for row in layout],
        side=[row[1] for row in layout],
        moved=[row[2] for row in layout],
    )
    name_y = alt.Y("name_y:Q")
    names = [
        alt.Chart(placed[placed["side"] == side])
        .mark_text(align=align, baseline="middle", dx=dx, fontSize=11, color=colours.text)
        .encode(x=x, y=name_y, text=alt.Text("rep_name:N"))
        for side, align, dx in (("right", "left", NAME_DX), ("left", "right", -NAME_DX))
    ]
    leaders = (
        alt.Chart(placed[placed["moved"]])
        .mark_rule(color=colours.muted, strokeWidth=0.8)
        .encode(x=x, y=y, y2=alt.Y2("name_y:Q"))
    )
    layers: list[alt.Chart] = [points, leaders, *names]
    if not ranked.empty:
        mid_x = float(ranked["contacts"].median())
        mid_y = float(ranked["advance_rate"].median())
        zone = pd.DataFrame(
            {
                "x": [mid_x],
                "x2": [x_end],
                "y": [0.0],
                "y2": [mid_y],
                "label": [_text("dash_quadrant_ticking", lang)],
            }
        )
        shade = (
            alt.Chart(zone)
            .mark_rect(color=colours.warning_soft, opacity=0.6)
            .encode(x=alt.X("x:Q"), x2=alt.X2("x2:Q"), y=alt.Y("y:Q"), y2=alt.Y2("y2:Q"))
        )
        # Each quadrant's name sits in its top right corner, clear of the points below it.
        ticking = (
            alt.Chart(zone)
            .mark_text(
                align="right", baseline="top", dy=5, color=colours.warning, fontWeight="bold"
            )
            .encode(x=alt.X("x2:Q"), y=alt.Y("y2:Q"), text=alt.Text("label:N"))
        )
        building_label = _text("dash_quadrant_building", lang)
        building = (
            alt.Chart(pd.DataFrame({"x": [x_end], "y": [y_top], "label": [building_label]}))
            .mark_text(
                align="right", baseline="top", dy=2, color=colours.primary, fontWeight="bold"
            )
            .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("label:N"))
        )
        rules = pd.DataFrame({"mid_x": [mid_x], "mid_y": [mid_y]})
        rule = alt.Chart(rules).mark_rule(color=colours.muted, strokeDash=[4, 4])
        vertical = rule.encode(x=alt.X("mid_x:Q"))
        horizontal = rule.encode(y=alt.Y("mid_y:Q"))
        layers = [shade, vertical, horizontal, *layers, ticking, building]
    chart = alt.layer(*layers)
    return _themed(chart, _text("dash_chart_quadrant", lang), QUADRANT_HEIGHT, lang, colours)


def _weekly_bars_and_share(
    data: pd.DataFrame,
    lang: str,
    colours: Palette,
    *,
    count: str,
    count_title: str,
    bar_colour: str,
    share: str,
    share_title: str,
    colour: str,
    tooltip: list,
) -> alt.LayerChart:
    """A count per ISO week as bars (left axis) with a 0..1 share as a line (right axis).

    A week cut short by the period or by today is drawn hollow, with a dashed outline, and its
    label ends in *: its bar is short because its week is, and the subtitle says so."""
    week_title = _text("dash_week", lang)
    x = alt.X(
        "week_label:N",
        sort=list(data["week_label"]),
        axis=alt.Axis(title=week_title, labelAngle=-45, labelOverlap="greedy"),
    )
    tooltip = [
        alt.Tooltip("week_label:N", title=week_title),
        alt.Tooltip("days_text:N", title=_text("dash_week_days_title", lang)),
        *tooltip,
    ]
    partial = "datum.partial"
    bars = (
        alt.Chart(data)
        .mark_bar(color=bar_colour, stroke=colours.muted)
        .encode(
            x=x,
            y=alt.Y(f"{count}:Q", axis=_count_axis(count_title, titleColor=colours.muted)),
            fillOpacity=alt.FillOpacityValue(
                **alt.condition(partial, alt.value(0.3), alt.value(0.9))
            ),
            strokeWidth=alt.StrokeWidthValue(
                **alt.condition(partial, alt.value(1.5), alt.value(0))
            ),
            strokeDash=alt.StrokeDashValue(
                **alt.condition(partial, alt.value([4, 3]), alt.value([]))
            ),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .transform_filter(f"isValid(datum.{share})")
        .mark_line(color=colour, strokeWidth=2.5, point=alt.OverlayMarkDef(color=colour))
        .encode(
            x=x,
            y=alt.Y(
                f"{share}:Q",
                axis=_share_axis(share_title, orient="right", titleColor=colour),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=tooltip,
        )
    )
    return alt.layer(bars, line, resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")))


def weekly_advance_calls(
    frame: pd.DataFrame, lang: str, colours: Palette = LIGHT, period: Period | None = None
) -> alt.LayerChart:
    """Calls (bars, left axis) and advance rate (line, right axis) per ISO week.

    `frame` is metrics.kpi_frame(by="week"); `period` (first day, last day, today) marks the
    weeks it cuts short.
    """
    data = _week_labels(frame, lang, period)
    data = data[["week_label", "days_text", "partial", "calls", "advance_rate", "contacts"]]
    data = data.assign(
        advance_text=_formatted(data["advance_rate"], lambda v: i18n.fmt_pct(v, lang)),
        calls_text=_formatted(data["calls"], lambda v: i18n.fmt_number(v, lang)),
    )
    calls_title = _text("kpi_calls", lang)
    advance_title = _text("kpi_advance_rate", lang)
    chart = _weekly_bars_and_share(
        data,
        lang,
        colours,
        count="calls",
        count_title=calls_title,
        bar_colour=colours.primary_soft,
        share="advance_rate",
        share_title=advance_title,
        colour=colours.primary,
        tooltip=[
            alt.Tooltip("calls_text:N", title=calls_title),
            alt.Tooltip("advance_text:N", title=advance_title),
        ],
    )
    title = _text("dash_chart_weekly", lang)
    return _themed(chart, title, 300, lang, colours, _partial_note(data, lang))


def ladder_chart(frame: pd.DataFrame, lang: str, colours: Palette = LIGHT) -> alt.LayerChart:
    """Contacts per commitment level as horizontal bars; `frame` is metrics.ladder()."""
    total = float(frame["contacts_count"].sum()) if not frame.empty else 0.0
    levels = [int(v) for v in frame["commitment_level"]]
    data = pd.DataFrame(
        {
            "commitment_level": levels,
            "level_name": [level_name(v, lang) for v in levels],
            "contacts_count": frame["contacts_count"].astype(int).to_list(),
        }
    )
    data["share"] = data["contacts_count"] / total if total else 0.0
    data["label"] = [
        f"{i18n.fmt_number(n, lang)} ({i18n.fmt_pct(s, lang)})" if total else ""
        for n, s in zip(data["contacts_count"], data["share"], strict=True)
    ]
    order = [level_name(v, lang) for v in range(LEVEL_COUNT)]
    y = alt.Y(
        "level_name:N", sort=order, axis=alt.Axis(title=None, labelLimit=220, labelOverlap=False)
    )
    count_title = _text("kpi_contacts", lang)
    bars = (
        alt.Chart(data)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            x=alt.X("contacts_count:Q", axis=_count_axis(count_title)),
            y=y,
            color=alt.Color(
                "level_name:N",
                scale=alt.Scale(domain=order, range=list(colours.levels)),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("level_name:N", title=_text("dash_level", lang)),
                alt.Tooltip("label:N", title=count_title),
            ],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, color=colours.text, fontSize=11)
        .encode(x=alt.X("contacts_count:Q"), y=y, text=alt.Text("label:N"))
    )
    chart = alt.layer(bars, labels)
    return _themed(chart, _text("dash_chart_ladder", lang), 220, lang, colours)


def quick_quotes_trend(
    frame: pd.DataFrame, lang: str, colours: Palette = LIGHT, period: Period | None = None
) -> alt.LayerChart:
    """Weekly share of quotes that were quick (line), over the quotes sent (bars).

    `frame` is metrics.kpi_frame(by="week"); weeks without quotes have no share; `period`
    marks the weeks it cuts short.
    """
    data = _week_labels(frame, lang, period)
    data = data[["week_label", "days_text", "partial", "quotes", "quick_quotes"]]
    quotes = data["quotes"].astype(float)
    data["quick_share"] = (data["quick_quotes"] / quotes.where(quotes > 0)).astype(float)
    data["share_text"] = _formatted(data["quick_share"], lambda v: i18n.fmt_pct(v, lang))
    share_title = _text("kpi_quick_quote_share", lang)
    quotes_title = _text("kpi_quotes", lang)
    chart = _weekly_bars_and_share(
        data,
        lang,
        colours,
        count="quotes",
        count_title=quotes_title,
        bar_colour=colours.grid,
        share="quick_share",
        share_title=share_title,
        colour=colours.warning,
        tooltip=[
            alt.Tooltip("quotes:Q", title=quotes_title, format=",d"),
            alt.Tooltip("quick_quotes:Q", title=_text("dash_quick_count", lang), format=",d"),
            alt.Tooltip("share_text:N", title=share_title),
        ],
    )
    title = _text("dash_chart_quick", lang)
    return _themed(chart, title, 300, lang, colours, _partial_note(data, lang))


def follow_through_by_rep(
    frame: pd.DataFrame, lang: str, colours: Palette = LIGHT
) -> alt.LayerChart:
    """Share of kept commitments per rep, best first; reps with nothing kept or broken left out.

    `frame` is metrics.kpi_frame(by="rep").
    """
    data = frame.loc[:, ["rep_name", "follow_through"]].dropna(subset=["follow_through"])
    data = data.sort_values(["follow_through", "rep_name"], ascending=[False, True])
    data["follow_text"] = _formatted(data["follow_through"], lambda v: i18n.fmt_pct(v, lang))
    title = _text("kpi_follow_through", lang)
    y = alt.Y(
        "rep_name:N",
        sort=list(data["rep_name"]),
        axis=alt.Axis(title=None, labelLimit=180, labelOverlap=False),
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color=colours.primary, cornerRadiusEnd=3)
        .encode(
            x=alt.X("follow_through:Q", axis=_share_axis(title), scale=alt.Scale(domain=[0, 1])),
            y=y,
            tooltip=[
                alt.Tooltip("rep_name:N", title=_text("dash_col_rep", lang)),
                alt.Tooltip("follow_text:N", title=title),
            ],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, color=colours.text, fontSize=11)
        .encode(x=alt.X("follow_through:Q"), y=y, text=alt.Text("follow_text:N"))
    )
    chart = alt.layer(bars, labels)
    height = 26 * max(len(data), 1) + 40
    return _themed(chart, _text("dash_chart_follow", lang), height, lang, colours)


def account_levels_heatmap(frame: pd.DataFrame, lang: str, colours: Palette = LIGHT) -> alt.Chart:
    """Accounts (rows) by month (columns), coloured by the highest level reached that month.

    `frame` is metrics.account_levels(); months are written by Vega in the language's locale
    ('mrt 2026').
    """
    data = pd.DataFrame(
        {
            "account": frame["account"].astype(str),
            "month_start": pd.to_datetime(frame["month_start"]).dt.strftime("%Y-%m-%d"),
            "level_name": [level_name(int(v), lang) for v in frame["max_level"]],
        }
    )
    order = [level_name(v, lang) for v in range(LEVEL_COUNT)]
    account_title = i18n.field_label("account", lang)
    month_title = _text("dash_month", lang)
    level_title = _text("dash_highest_level", lang)
    month = "utcyearmonth(month_start):O"
    chart = (
        alt.Chart(data)
        .mark_rect(cornerRadius=2, stroke=colours.background, strokeWidth=1)
        .encode(
            x=alt.X(month, axis=alt.Axis(title=month_title, labelAngle=-45, format="%b %Y")),
            y=alt.Y(
                "account:N",
                sort="ascending",
                axis=alt.Axis(title=account_title, labelLimit=200, labelOverlap=False),
            ),
            color=alt.Color(
                "level_name:N",
                title=level_title,
                scale=alt.Scale(domain=order, range=list(colours.levels)),
                legend=alt.Legend(orient="right", symbolType="square"),
            ),
            tooltip=[
                alt.Tooltip("account:N", title=account_title),
                alt.Tooltip(month, title=month_title, format="%b %Y"),
                alt.Tooltip("level_name:N", title=level_title),
            ],
        )
    )
    # The height covers title and month labels too (Streamlit fits the whole chart).
    height = 22 * max(data["account"].nunique(), 1) + 110
    return _themed(chart, _text("dash_chart_accounts", lang), height, lang, colours)
