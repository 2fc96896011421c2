"""Texts of the dashboard page (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {}
