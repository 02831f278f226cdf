"""Public project directory (`/projets/`) and project pages (`/projets/<public_id>/`).

Plain Django views wired before Wagtail's catch-all, so the URLs stay stable whatever editors do
to the page tree; the editorial intro comes from the Wagtail `DirectoryPage`.
"""
