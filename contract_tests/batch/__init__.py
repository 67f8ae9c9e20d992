"""Batches: the runner, the job stores (SQLite, PostgreSQL) and the batch command's accounting."""
