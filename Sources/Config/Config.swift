// Module Config: see DESIGN.md for what it owns.
