"""The console's pages, one module per area; each registers its routes on a Console."""
