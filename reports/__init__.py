"""Indicators (ORM → pandas → matplotlib) and open-data file builders."""
