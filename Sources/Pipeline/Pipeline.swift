// Module Pipeline: see DESIGN.md for what it owns.
