"""ASGI adapters only: parse, call one core function, render."""
