"""Ingestion of the stock: the ministry's open-data file and legacy spreadsheets.

readers (bytes → rows) → headers (labels → fields) → values (cells → typed values) →
normalise (establishments, disciplines, investigators, registries) → pipeline (natural key,
diff, counts) → services (the only writes, one transaction per run).
"""
