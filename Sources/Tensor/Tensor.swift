// Module Tensor: see DESIGN.md for what it owns.
