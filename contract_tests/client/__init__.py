"""Client and AsyncClient: requests, retries, waits, downloads, limits, money, secrets."""
