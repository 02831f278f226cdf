"""Import of the legacy documents (conventions, reports, ethics opinions, letters): read a folder
or a ZIP safely, extract text, classify, match to a project, attach or queue for review."""
