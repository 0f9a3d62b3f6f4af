// groups_network.hx -- groups (SectionLists) and how make_trainable shares parameters.
//
// Five cells, each with five branches (parents -1, 0, 0, 1, 1) of 8 compartments.
// Group "apical": branches 1 and 3 of every cell.  Group "fast_spiking": cells 0, 1, 3.
// A group's make_trainable makes ONE shared parameter; the "cells" option makes one per cell.

begintemplate Cell
public branch, all
create branch[5]
objref all
proc init() { local i
    connect branch[1](0), branch[0](1)
    connect branch[2](0), branch[0](1)
    connect branch[3](0), branch[1](1)
    connect branch[4](0), branch[1](1)
    all = new SectionList()
    for i = 0, 4 branch[i] {
        L = 80  diam = 2  nseg = 8  Ra = 5000
        insert hh
        all.append()
    }
}
endtemplate Cell

objref cells[5], apical, fast_spiking
apical = new SectionList()
fast_spiking = new SectionList()
for i = 0, 4 {
    cells[i] = new Cell()
    cells[i].branch[1] apical.append()
    cells[i].branch[3] apical.append()
}
for i = 0, 4 if (i == 0 || i == 1 || i == 3) forsec cells[i].all fast_spiking.append()

// fast-spiking cells get a higher sodium conductance
forsec fast_spiking gnabar_hh = 0.4

// one shared parameter for every compartment of every fast-spiking cell
{fast_spiking.make_trainable("gnabar_hh")}

// one axial resistivity per fast-spiking cell (cells 0, 1, 3)
objref fs_cells
fs_cells = new Vector()
{fs_cells.append(0, 1, 3)}
make_trainable("Ra", "cells", fs_cells)

// a shared apical potassium conductance, bounded for fitting
{apical.make_trainable("gkbar_hh", "bounds", 0.01, 0.1)}

show_trainables()
