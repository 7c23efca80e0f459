// Module Wire: see DESIGN.md for what it owns.
