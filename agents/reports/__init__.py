"""The agents' screens of the indicators: the DGOS dashboard and « Publications et rapports »
(releases and indicator reports asked in the admin and run in the background by `reports.jobs`)."""
