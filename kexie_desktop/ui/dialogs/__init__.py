"""Form dialogs, one module per kind of record; each gets the store injected."""
