"""Serializers by subject. They check shapes (types, lengths, choices, which objects a caller
may name); every rule of the business is the services' (``performance.services``, …)."""
