"""Texts of the reflection page (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {}
