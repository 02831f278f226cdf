"""SIRANo project package: settings, URLs, base templates, accounts and the establishment portal."""
