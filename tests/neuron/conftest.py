"""Parity tests against the real NEURON package (marked ``neuron``)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture(scope="session")
def h():
    neuron = pytest.importorskip("neuron")
    from neuron import h as _h
    return _h
