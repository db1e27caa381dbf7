"""The documents layer: what renders the step modules' tables and figures for people to read."""
