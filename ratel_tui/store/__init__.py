"""What the app keeps on this machine: the read cache (and, later, the draft
journal and the outbox). No Textual here; screens use this, this uses `api`."""
