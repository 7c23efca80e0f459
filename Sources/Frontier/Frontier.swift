// Module Frontier: see DESIGN.md for what it owns.
