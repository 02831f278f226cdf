"""Wagtail pages, blocks and site settings written by the communication team."""
