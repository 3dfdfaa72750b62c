"""POST /enrich_field/ has no table of its own: it writes a custom value through the lead's or
the contact's service (endpoints.py); the provider interface is in provider.py."""
