"""Reusable widgets: each could ship on its own."""
