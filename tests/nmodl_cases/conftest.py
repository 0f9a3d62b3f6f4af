"""NMODL reference and live-NEURON tests (issue 12).  Puts this folder's helper modules
(``nmodl_harness``, ``nmodl_neuron``) on ``sys.path`` as tests/neuron's conftest does."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
