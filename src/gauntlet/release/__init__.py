"""Releases: build, verify, publish through environments with approval, roll back."""
