"""Database tooling any layer may use: COPY-or-bulk_create writers (`bulk`) and planner statistics
(`planner_statistics`). Knows Django's database API, nothing of the project's packages."""
