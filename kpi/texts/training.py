"""Texts of the training page (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {}
