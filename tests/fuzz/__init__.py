"""Property-based (hypothesis) tests of every form and import that takes outside input."""
