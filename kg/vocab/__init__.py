"""Controlled vocabularies kg ships (data files, with their licences in NOTICE.md)."""
