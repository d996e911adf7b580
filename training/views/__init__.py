"""The training app's pages, by subject; ``training.urls`` joins their patterns."""
