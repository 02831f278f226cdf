"""Ingestion of the stock: the projects of the ministry's open-data file and of legacy spreadsheets
(`projects/`), and the legacy documents (`documents/`). The agents' screens over them live in
`agents/ingest/`; the runs' tables (`ImportRun`, `DocumentImportRun`) stay in the `workflows` app."""
