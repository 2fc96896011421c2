"""How a goal reads on any page: its target, its value so far, and whether it is met."""

from __future__ import annotations

from kpi import goals, metrics
from views.common import fmt_money, fmt_number, fmt_pct, t


def fmt_value(kpi: str, value: float | int | None) -> str:
    """A KPI's value the way the dashboard writes it."""
    if kpi in metrics.RATIO_KEYS:
        return fmt_pct(value)
    if kpi == "revenue":
        return fmt_money(value)
    if kpi == "avg_commitment":
        return fmt_number(value, 2)
    return fmt_number(value, 0 if value is None or float(value).is_integer() else 2)


def target_text(goal: dict) -> str:
    """'at least 40%', or 'at most 20%' for quick quotes."""
    key = "goals_at_most" if goal["kpi"] in goals.AT_MOST else "goals_at_least"
    return t(key, value=fmt_value(goal["kpi"], goal["target"]))


def met_text(met: bool | None) -> str:
    return t({True: "goals_met_yes", False: "goals_met_no", None: "goals_met_unknown"}[met])


def tile_text(goal: dict) -> str:
    """One line under a dashboard tile: the goal, its period and the value so far."""
    return t(
        "goals_tile",
        target=target_text(goal),
        period=t(f"goals_period_{goal['period']}"),
        value=fmt_value(goal["kpi"], goal["value"]),
    )
