"""Evaluation against gold data: one module per gold format, each printing P/R/F1 per field."""
