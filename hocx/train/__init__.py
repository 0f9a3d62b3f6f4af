"""Trainable parameters, gradients and fitting (simulation layer).

HOC surface, registered by :func:`hocx.train.plugin.install`:

``make_trainable("name"[, init][, options...])``
    Marks a parameter trainable and prints the seeds' line ``Number of newly added trainable
    parameters: N. Total number of trainable parameters: M``.  Selection: the whole model at
    top level; the currently accessed section when called with a section prefix
    (``soma make_trainable(...)``) or inside ``forsec`` (one call per section);
    ``sl.make_trainable(...)`` for a SectionList (the seeds' groups: one shared parameter);
    ``"cells", vec`` for the cells (root trees, by creation order) listed in a Vector (one
    parameter per cell).  Options: ``"init", x|vec`` (or a bare number/Vector; default: the
    mean of the shared values; ``v_init`` for ``v``; the INITIAL value at ``v_init`` for a
    state), ``"bounds", lo, hi`` (optimised through a sigmoid), ``"per", key`` with key
    ``all``, ``segment``, ``section``, ``cell`` or any model-table column (the seeds'
    ``controlled_by_param``).  Unbounded conductances and geometry go through softplus.
    Trainable: mechanism PARAMETERs (``gnabar_hh``), ``diam``, ``L``, ``Ra``, ``cm``
    (cylinder sections), and initial ``v`` and states (``m_hh``).
``get_parameters()`` (Vector of values), ``show_trainables()`` (rich table),
``delete_trainables()``.
``Fit`` (see :mod:`hocx.train.fit`): ``add(recvec, target)``, ``run([steps])``, ``grad()``,
``loss()``, ``set_loss()``, fields ``lr``, ``steps``, ``best_loss``, ``checkpoint``.

Python: ``sim, params = session.train.function([vec, ...])`` gives a pure
``sim(params) -> traces`` (shape (nsteps + 1, nvec)) usable under jit, grad and vmap.
"""
