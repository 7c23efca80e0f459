// Module XML: see DESIGN.md for what it owns.
