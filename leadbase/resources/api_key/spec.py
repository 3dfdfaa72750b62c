"""GET /api_key/ (legacy): scripts read organization_id from it. Endpoints in endpoints.py."""
