"""Formula-safe CSV and XLSX writers shared by every file the platform produces.

A leaf package: it imports nothing of the project, so faces, the domain core and `reports`
may all use it without creating a cycle.
"""
