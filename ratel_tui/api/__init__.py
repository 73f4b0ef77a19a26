"""The async service layer: one httpx client per profile, typed errors, models.

Nothing here imports Textual; the CLI imports these modules lazily, inside the
command functions that need them.
"""
