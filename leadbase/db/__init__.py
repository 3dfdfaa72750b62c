"""Storage: tables, column types, sessions and the tenant-scoped repository."""
