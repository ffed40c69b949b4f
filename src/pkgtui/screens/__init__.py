"""One screen a module: home, category, grid, package."""
