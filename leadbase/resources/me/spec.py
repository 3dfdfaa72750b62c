"""GET /me/ has no table of its own: its endpoint lives in endpoints.py."""
