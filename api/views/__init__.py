"""API views by subject; each module's views are thin: parse, call one service, answer."""
