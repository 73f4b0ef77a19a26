"""A local server of the Ratel API v2 contract, on a seeded SQLite world."""
