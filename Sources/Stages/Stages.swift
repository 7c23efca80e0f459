// Module Stages: see DESIGN.md for what it owns.
