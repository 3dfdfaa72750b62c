"""Close's reports (/report/...): aggregations in SQL over leads, activities and opportunities."""
