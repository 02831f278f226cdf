"""The agents' screens over `ingest`: project imports (`projects/`) and legacy documents (`documents/`)."""
