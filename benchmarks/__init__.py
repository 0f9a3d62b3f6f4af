"""hocx's benchmark suite: ``python -m benchmarks [--quick] [--only m1,m3,...]`` from the
repository root runs hocx, NEURON and Jaxley on the anchor models (../shared/anchors.md) in
one run and prints each figure with its ratio to the anchors' targets (see README.md)."""
