"""One module per grant type: validate, then write, then issue."""
