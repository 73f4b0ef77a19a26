"""Tests of the service layer: client, models and resource functions."""
