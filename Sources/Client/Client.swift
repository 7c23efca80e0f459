// Module Client: see DESIGN.md for what it owns.
