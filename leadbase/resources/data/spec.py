"""`/data/search/` declares no resource of its own: it searches the others (endpoints.py)."""
