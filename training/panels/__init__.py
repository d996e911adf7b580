"""What the training app adds to the deputy's dashboard, the staff desk and the menus."""
