"""The server runtime around the app: uvicorn, workers, draining, logging, option parsing and help."""
