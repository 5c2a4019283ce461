"""The report: its tables, summary and signature, and the table, HTML, score and plot renderers."""
