// Module Generate: see DESIGN.md for what it owns.
