// Module Index: see DESIGN.md for what it owns.
