"""Background work: job kinds and their handlers, and the worker that runs them and delivers webhooks."""
