"""Texts of the log contact page (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {}
