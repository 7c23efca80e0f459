// Module Model: see DESIGN.md for what it owns.
