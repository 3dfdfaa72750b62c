"""Custom fields: one class per field type, and the reading and writing of values on objects."""
