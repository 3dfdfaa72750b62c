"""Reports have no table and no generic routes: every route lives in endpoints.py."""
