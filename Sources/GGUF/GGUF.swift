// Module GGUF: see DESIGN.md for what it owns.
