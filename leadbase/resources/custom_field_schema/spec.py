"""Schemas are views over custom field definitions: no resource of their own (see endpoints.py)."""
