"""Search languages, parsed into small immutable trees; the resources compile them to SQL."""
