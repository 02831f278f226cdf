"""The read-only open-data API (`/api/v1/`): what each audience may read, as JSON or CSV.

Field visibility comes from `workflows.visibility`; reads from `workflows.selectors`.
"""
