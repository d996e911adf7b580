"""Dashboard panels, navigation entries and desk to-dos of the liaison app, by subject.

Each module has ``register()``, called from ``LiaisonConfig.ready``."""
