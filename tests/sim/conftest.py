"""Simulation-layer tests: the integrator on hand-built cables and through the interpreter."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
