"""Pure domain helpers: no web framework, no database."""
