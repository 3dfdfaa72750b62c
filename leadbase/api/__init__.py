"""Close's HTTP conventions, naming no resource: paths, auth, paging, _fields, filters, errors."""
