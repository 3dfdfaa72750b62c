"""Webhooks on the event log: the filter language, the payload, signing, dispatch and delivery."""
