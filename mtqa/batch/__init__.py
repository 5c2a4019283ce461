"""audit-batch: jobs from a manifest, the local and Dask engines, the Parquet output, pages and the result store."""
