// Module JSON: see DESIGN.md for what it owns.
