"""Texts of the importer page (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {}
