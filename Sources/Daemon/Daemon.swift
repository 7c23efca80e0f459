// Module Daemon: see DESIGN.md for what it owns.
