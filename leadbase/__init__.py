"""leadbase: a self-hosted CRM server that speaks Close's REST API (v1)."""

__version__ = "0.1.0"
