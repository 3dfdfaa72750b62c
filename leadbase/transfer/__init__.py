"""Moving organizations in and out: fixture files (seed, export-org) and import from Close.

Everything here speaks Close's public REST API, whether to a remote server (import) or to
leadbase in this process (seed, export): one path for reading and writing an organization,
the same one real clients take, so the rows and events written are those of the API.
"""
