"""The app's screens and sections (Textual)."""
